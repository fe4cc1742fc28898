using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Identity;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

/// <summary>
/// The feedback loop's side of the store: the contact key of a customer (from the identity links in the identities
/// container), engagement facts (in their message's partition of the deliveries container, next to the send) and the
/// reports that could not be placed (the deadLetters container, partition <see cref="FeedbackSource"/>).
/// </summary>
public sealed partial class CosmosStore : IFeedbackStore
{
    /// <summary>The deadLetters partition of feedback reports that could not be placed.</summary>
    public const string FeedbackSource = "feedback";

    private const string FeedbackType = "feedback";

    public async Task<Identifier?> ContactKeyAsync(CustomerId customer, CancellationToken cancellationToken)
    {
        // Following merges (and finishing a cut-short commit, which may re-point links) before reading the links.
        var (id, _, _) = await ResolveAsync(customer, cancellationToken);
        // Across partitions (identities are keyed by hash); customerId and type are the container's indexed paths.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.customerId = @c AND c.type = @t")
            .WithParameter("@c", id.Value).WithParameter("@t", Keys.IdentityType);
        var links = await QueryAsync(_identities, query, null, cancellationToken)
            .Select(d => d.Deserialize<KeyDocument>(DomainJson.Options)!)
            .Where(k => k is { Key: not null, IdKind: not null })
            .ToListAsync(cancellationToken);
        // Strongest kind first, then the graph key: the order the SQLite store answers in.
        if (links.OrderBy(k => k.IdKind!.Value).ThenBy(k => k.Key, StringComparer.Ordinal).FirstOrDefault() is not { Key: { } graphKey, IdKind: { } kind } link)
        {
            return null;
        }
        return new Identifier(kind, graphKey[(graphKey.IndexOf(':', StringComparison.Ordinal) + 1)..], link.Display ?? "");
    }

    /// <summary>Keeps facts and dead letters, each a create that a redelivery meets as a 409 (the first one stays).</summary>
    public async Task RecordFeedbackAsync(IReadOnlyCollection<EngagementFact> facts, IReadOnlyCollection<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(deadLetters);
        await ForEachAsync(facts, cancellationToken, async (f, ct) =>
        {
            var node = JsonSerializer.SerializeToNode(f, DomainJson.Options)!.AsObject();
            node["id"] = Keys.Fact(f.EventId);
            node["type"] = FactType;
            await CreateOnceAsync(_deliveries, node, f.MessageId, ct);
        });
        await ForEachAsync(deadLetters, cancellationToken, async (d, ct) =>
        {
            var node = JsonSerializer.SerializeToNode(d, DomainJson.Options)!.AsObject();
            node["id"] = Keys.FeedbackDeadLetter(d.EventId);
            node["source"] = FeedbackSource;
            node["type"] = FeedbackType;
            // Milliseconds since the epoch: orders across time-zone offsets, which the ISO text does not.
            node["receivedMs"] = d.ReceivedAt.ToUnixTimeMilliseconds();
            await CreateOnceAsync(_deadLetters, node, FeedbackSource, ct);
        });
    }

    /// <summary>The feedback dead letters, newest first (operators read them; tests assert on them).</summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var query = new QueryDefinition(string.Create(CultureInfo.InvariantCulture,
                $"SELECT TOP {limit} * FROM c WHERE c.source = @s AND c.type = @t ORDER BY c.receivedMs DESC"))
            .WithParameter("@s", FeedbackSource).WithParameter("@t", FeedbackType);
        var letters = await QueryAsync(_deadLetters, query, null, cancellationToken)
            .Select(d => (Ms: d.GetProperty("receivedMs").GetInt64(), Letter: d.Deserialize<DeadLetter>(DomainJson.Options)!))
            .ToListAsync(cancellationToken);
        return [.. letters.OrderByDescending(l => l.Ms).ThenBy(l => l.Letter.EventId, StringComparer.Ordinal).Select(l => l.Letter)];
    }

    private static async Task CreateOnceAsync(Container container, JsonObject document, string partition, CancellationToken cancellationToken)
    {
        using var body = Documents.Stream(document);
        using var r = await container.CreateItemStreamAsync(body, Pk(partition), cancellationToken: cancellationToken);
        if (r.StatusCode != HttpStatusCode.Conflict)
        {
            r.EnsureSuccessStatusCode();
        }
    }
}
