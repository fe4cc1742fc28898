using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Identity;

namespace Lodestar.Events;

/// <summary>An identifier as a source sent it, before normalisation and protection. Never persisted.</summary>
public sealed record RawIdentifier(IdKind Kind, string Value);

/// <summary>
/// A structurally valid input record (fields present and typed) whose data has not been cleaned yet. It may hold raw
/// personal data, so it lives only between the parser and <see cref="Cleaning.Cleaner"/>.
/// </summary>
public sealed record RawEvent
{
    public required string MessageId { get; init; }
    public required EventType Type { get; init; }
    public string? Name { get; init; }
    public required string Source { get; init; }
    public ImmutableArray<RawIdentifier> Ids { get; init; } = [];
    public required DateTimeOffset Timestamp { get; init; }
    /// <summary>False when the source gave a local time without an offset and the tenant's zone was assumed.</summary>
    public bool OffsetStated { get; init; } = true;
    public ImmutableSortedDictionary<string, JsonElement> Properties { get; init; } = ImmutableSortedDictionary<string, JsonElement>.Empty;
    public ImmutableSortedDictionary<string, string> Traits { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public Order? Order { get; init; }
    public ServiceContact? Contact { get; init; }
    public RawIdentifier? PreviousId { get; init; }
}
