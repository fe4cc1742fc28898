using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Campaigns;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Events;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

/// <summary>
/// The campaign read side: the campaign's send records (one query across the deliveries partitions, on the indexed
/// campaign), the facts of those messages (queries naming their partitions), and the purchases of their customers, as
/// they are now, from the events container (queries naming the customer partitions).
/// </summary>
public sealed partial class CosmosStore : ICampaignFacts
{
    /// <summary>How many partition-key values one IN list names.</summary>
    private const int InChunk = 100;

    public async Task<CampaignFacts> LoadAsync(string campaign, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.type = @t AND c.campaign = @c").WithParameter("@t", SendType).WithParameter("@c", campaign);
        var records = await QueryAsync(_deliveries, query, null, cancellationToken)
            .Select(d => d.Deserialize<SentMessageRecord>(DomainJson.Options)!)
            .ToListAsync(cancellationToken);
        if (records.Count == 0)
        {
            return new CampaignFacts([], [], []);
        }
        // Customers as they are now, so that their purchases (stored under the survivor of any merge) line up.
        var current = await CurrentIdsAsync(records.Select(s => s.Customer), cancellationToken);
        var sends = records.Select(s => s with { Customer = current[s.Customer] })
            .OrderBy(s => s.SentAt).ThenBy(s => s.MessageId, StringComparer.Ordinal).ToImmutableArray();

        var facts = new ConcurrentBag<EngagementFact>();
        await ForEachAsync(sends.Select(s => s.MessageId).Chunk(InChunk), cancellationToken, async (chunk, ct) =>
        {
            await foreach (var d in QueryAsync(_deliveries, In("SELECT * FROM c WHERE c.type = 'fact' AND c.messageId IN ({0})", chunk), null, ct))
            {
                facts.Add(d.Deserialize<EngagementFact>(DomainJson.Options)!);
            }
        });

        var (from, to) = (sends[0].SentAt, sends[^1].SentAt + window);
        var orderType = JsonSerializer.SerializeToElement(EventType.Order, DomainJson.Options).GetString()!;
        var purchases = new ConcurrentBag<PurchaseFact>();
        await ForEachAsync(sends.Select(s => s.Customer.Value).Distinct(StringComparer.Ordinal).Chunk(InChunk), cancellationToken, async (chunk, ct) =>
        {
            // The query's time range is widened by the largest UTC offset, because ISO text with different offsets does
            // not order as instants; the exact window is applied below.
            var orders = In("SELECT * FROM c WHERE c.type = @type AND c.timestamp >= @from AND c.timestamp <= @to AND c.customerId IN ({0})", chunk)
                .WithParameter("@type", orderType).WithParameter("@from", IsoText(from - MaxOffset)).WithParameter("@to", IsoText(to + MaxOffset));
            await foreach (var d in QueryAsync(_events, orders, null, ct))
            {
                var e = d.Deserialize<CustomerEvent>(DomainJson.Options)!;
                if (e.Order is { IsCancellation: false } order && e.Timestamp >= from && e.Timestamp <= to)
                {
                    purchases.Add(new PurchaseFact(CustomerId.Parse(d.GetProperty("customerId").GetString()!), order.OrderId, e.Timestamp, order.AmountMinor, order.Currency));
                }
            }
        });
        return new CampaignFacts(sends, [.. facts.OrderBy(f => f.At).ThenBy(f => f.EventId, StringComparer.Ordinal)],
            [.. purchases.OrderBy(p => p.At).ThenBy(p => p.OrderId, StringComparer.Ordinal)]);
    }

    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    /// <summary>An instant as the events' documents write it (UTC), so that the query compares like with like.</summary>
    private static string IsoText(DateTimeOffset at) => JsonSerializer.SerializeToElement(at.ToUniversalTime(), DomainJson.Options).GetString()!;

    /// <summary>
    /// Each customer id as it is now: merged-away ids (profile documents that are aliases) are followed to their survivor,
    /// a hop at a time, with one query per hundred ids that names their partitions.
    /// </summary>
    private async Task<Dictionary<CustomerId, CustomerId>> CurrentIdsAsync(IEnumerable<CustomerId> customers, CancellationToken cancellationToken)
    {
        var current = customers.Distinct().ToDictionary(c => c, c => c);
        var frontier = current.Keys.Select(c => c.Value).ToList();
        for (var hop = 0; hop < MaxAliasHops && frontier.Count > 0; hop++)
        {
            var next = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            await ForEachAsync(frontier.Chunk(InChunk), cancellationToken, async (chunk, ct) =>
            {
                var aliases = In("SELECT c.customerId, c.mergedInto FROM c WHERE IS_DEFINED(c.mergedInto) AND c.customerId IN ({0})", chunk);
                await foreach (var d in QueryAsync(_profiles, aliases, null, ct))
                {
                    next[d.GetProperty("customerId").GetString()!] = d.GetProperty("mergedInto").GetString()!;
                }
            });
            foreach (var (from, to) in current.ToList())
            {
                if (next.TryGetValue(to.Value, out var survivor))
                {
                    current[from] = CustomerId.Parse(survivor);
                }
            }
            frontier = [.. next.Values.Distinct(StringComparer.Ordinal)];
        }
        return current;
    }
}
