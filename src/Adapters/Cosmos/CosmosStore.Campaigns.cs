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
        var current = new ConcurrentDictionary<CustomerId, CustomerId>();
        await ForEachAsync(records.Select(s => s.Customer).Distinct(), cancellationToken,
            async (c, ct) => current[c] = (await ResolveAsync(c, ct)).Id);
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
            // The time filter is applied here: events keep their timestamps as ISO text with the producer's offset,
            // which does not order as instants.
            var orders = In("SELECT * FROM c WHERE c.type = @type AND c.customerId IN ({0})", chunk).WithParameter("@type", orderType);
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
}
