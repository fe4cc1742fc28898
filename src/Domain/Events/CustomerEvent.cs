using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Identity;

namespace Lodestar.Events;

/// <summary>What happened: Segment's five call types plus the store and service systems' records.</summary>
public enum EventType
{
    Track = 0,
    Identify = 1,
    Page = 2,
    Screen = 3,
    Alias = 4,
    Order = 5,
    ServiceContact = 6,
}

/// <summary>A purchase (store/POS, online, or an imported invoice). Amounts are in minor units of <see cref="Currency"/>.</summary>
public sealed record Order(
    string OrderId,
    string? StoreId,
    string Currency,
    ImmutableArray<OrderLine> Lines,
    bool IsCancellation = false,
    long DiscountMinor = 0)
{
    public long AmountMinor => Lines.Sum(l => l.AmountMinor);
}

/// <summary>One line of an order; <see cref="Row"/> is the source row for imports (for quarantine references).</summary>
public sealed record OrderLine(string Sku, string? Name, string? Category, int Quantity, long UnitPriceMinor, int Row = 0)
{
    public long AmountMinor => Quantity * UnitPriceMinor;
}

/// <summary>A customer-service contact; complaints feed the churn model.</summary>
public sealed record ServiceContact(string Channel, string Topic, string? Resolution, bool IsComplaint);

/// <summary>
/// An event after validation and normalisation: identifiers protected, timestamp in UTC with the source zone kept,
/// amounts in minor units. It carries no raw personal data, so it may be queued, published and stored.
/// </summary>
public sealed record CustomerEvent
{
    public required string MessageId { get; init; }
    public required EventType Type { get; init; }
    public string? Name { get; init; }
    public required string Source { get; init; }
    public required ImmutableArray<Identifier> Ids { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    /// <summary>The offset the source stated (e.g. "+08:00"); <see cref="Timestamp"/> itself is UTC.</summary>
    public string? SourceZone { get; init; }
    public ImmutableSortedDictionary<string, JsonElement> Properties { get => _properties ?? ImmutableSortedDictionary<string, JsonElement>.Empty; init => _properties = value; }
    private readonly ImmutableSortedDictionary<string, JsonElement>? _properties;
    /// <summary>Non-personal traits (identify), e.g. gender, birthday, region (GB/T 2260 code).</summary>
    public ImmutableSortedDictionary<string, string> Traits { get => _traits ?? ImmutableSortedDictionary<string, string>.Empty; init => _traits = value; }
    private readonly ImmutableSortedDictionary<string, string>? _traits;
    public Order? Order { get; init; }
    public ServiceContact? Contact { get; init; }
    /// <summary>For alias: the identifier being joined to <see cref="Ids"/>.</summary>
    public Identifier? PreviousId { get; init; }
}
