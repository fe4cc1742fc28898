using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;

namespace Lodestar.Cosmos;

/// <summary>
/// What one commit did to one customer beyond its profile, written inside the profile document together with the new
/// profile (the commit point), then applied to the other containers and removed. A reader that finds it finishes it.
/// </summary>
internal sealed record PendingCommit(
    ImmutableArray<CustomerEvent> Events,
    ImmutableArray<PendingLink> Links,
    ImmutableArray<MergeRecord> Merges,
    ImmutableArray<string> Fingerprints);

internal sealed record PendingLink(string GraphKey, IdKind Kind, string Display);

/// <summary>The store's own fields of a profile document; the rest of the document is the profile itself.</summary>
internal sealed record ProfileEnvelope
{
    public required string Id { get; init; }
    public long Version { get; init; }
    /// <summary>Set on the document of a merged-away customer: the customer it joined.</summary>
    public string? MergedInto { get; init; }
    public IReadOnlyList<MergeRecord>? Merges { get; init; }
    public PendingCommit? Pending { get; init; }
}

/// <summary>A profile document as read: its envelope, the profile (none for a merged-away id) and its ETag.</summary>
internal sealed record StoredDoc(ProfileEnvelope Envelope, Profile? Profile, string ETag)
{
    public IReadOnlyList<MergeRecord> Merges => Envelope.Merges ?? [];
}

/// <summary>A document of the identities container: an identity link, or a message id or fingerprint marker.</summary>
internal sealed record KeyDocument
{
    public required string Id { get; init; }
    public required string IdHash { get; init; }
    public required string Type { get; init; }
    public string? CustomerId { get; init; }
    /// <summary>Identity links only: the graph key (a keyed hash for personal kinds), for erasure.</summary>
    public string? Key { get; init; }
    public IdKind? IdKind { get; init; }
    public string? Display { get; init; }
}

internal static class Documents
{
    public static MemoryStream Profile(Profile profile, long version, IReadOnlyList<MergeRecord> merges, PendingCommit? pending)
    {
        var node = JsonSerializer.SerializeToNode(profile with { Version = version }, DomainJson.Options)!.AsObject();
        node["customerId"] = profile.Id.Value;
        if (merges.Count > 0)
        {
            node["merges"] = JsonSerializer.SerializeToNode(merges, DomainJson.Options);
        }
        if (pending is not null)
        {
            node["pending"] = JsonSerializer.SerializeToNode(pending, DomainJson.Options);
        }
        return Stream(node);
    }

    public static MemoryStream Alias(CustomerId merged, CustomerId survivor, IReadOnlyList<MergeRecord> merges) => Stream(new JsonObject
    {
        ["id"] = merged.Value,
        ["customerId"] = merged.Value,
        ["mergedInto"] = survivor.Value,
        ["merges"] = JsonSerializer.SerializeToNode(merges, DomainJson.Options),
    });

    public static MemoryStream Event(CustomerId customer, CustomerEvent e)
    {
        var node = JsonSerializer.SerializeToNode(e, DomainJson.Options)!.AsObject();
        node["id"] = Keys.Event(e.MessageId);
        node["customerId"] = customer.Value;
        return Stream(node);
    }

    public static MemoryStream Quarantine(QuarantineEntry q) => Stream(new JsonObject
    {
        ["id"] = Keys.Quarantine(q.MessageId, q.Line),
        ["source"] = q.Source,
        ["type"] = "quarantine",
        ["messageId"] = q.MessageId,
        ["line"] = q.Line,
        ["reasons"] = JsonSerializer.SerializeToNode(q.Reasons, DomainJson.Options),
        ["detail"] = q.Detail,
        // The cleaned record (protected identifiers only); "payload" is excluded from indexing.
        ["payload"] = q.Record,
        ["receivedAt"] = q.ReceivedAt,
    });

    public static KeyDocument Link(string graphKey, CustomerId customer, IdKind kind, string display)
    {
        var hash = Keys.Identity(graphKey);
        return new KeyDocument { Id = hash, IdHash = hash, Type = Keys.IdentityType, CustomerId = customer.Value, Key = graphKey, IdKind = kind, Display = display };
    }

    public static KeyDocument Marker(string type, string hash, CustomerId? customer) =>
        new() { Id = hash, IdHash = hash, Type = type, CustomerId = customer?.Value };

    public static MemoryStream Stream<T>(T value)
    {
        var stream = new MemoryStream();
        JsonSerializer.Serialize(stream, value, DomainJson.Options);
        stream.Position = 0;
        return stream;
    }

    /// <summary>The documents of a query or ReadMany response body (<c>{"Documents":[...]}</c>).</summary>
    public static async Task<List<JsonElement>> ReadFeedAsync(Stream content, CancellationToken cancellationToken)
    {
        using var json = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken);
        return [.. json.RootElement.GetProperty("Documents").EnumerateArray().Select(d => d.Clone())];
    }
}
