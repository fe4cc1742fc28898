using Azure.Messaging.EventHubs.Producer;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Ingestion;

namespace Lodestar.EventHubs;

/// <summary>
/// Publishes cleaned events to Event Hubs for the Functions trigger to ingest. Each event travels as an
/// <see cref="EventEnvelope"/>, partitioned by <see cref="PartitionKeyOf"/> so that one customer's events stay in order
/// on one partition.
/// </summary>
/// <remarks>
/// <para><see cref="AcceptAsync"/> returns once the hub has acknowledged every send, which is what
/// <see cref="IEventSink"/> means by durable. It answers <see cref="Outcome.Accepted"/> for every event the stateless
/// rules let through, and <see cref="Outcome.Quarantined"/> with those rules' reasons for the rest (they are published
/// too, so the trigger keeps them in the quarantine: nothing is dropped). Duplicate detection, identity resolution and
/// merges need the store, so they happen at the trigger: an event published here may still turn out to be a duplicate
/// there, and no <see cref="ItemResult.CustomerId"/> is known yet.</para>
/// <para>When a send fails the exception escapes and the caller gets an error, though earlier groups may already be
/// on the hub; a client retry then publishes them again, which ingestion ignores (it is idempotent on the message id).</para>
/// </remarks>
public sealed class EventHubsSink(EventHubProducerClient producer, int maxConcurrentSends = 8) : IEventSink
{
    public async Task<IReadOnlyList<ItemResult>> AcceptAsync(IReadOnlyList<CleanResult> events, CancellationToken cancellationToken)
    {
        // GroupBy keeps first-seen order of keys and input order within a key: per-customer order survives.
        var groups = events.GroupBy(r => PartitionKeyOf(r.Event), StringComparer.Ordinal).ToList();
        if (groups.Count == 1)
        {
            await SendAsync(groups[0].Key, groups[0], cancellationToken);
        }
        else
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrentSends), CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(groups, options, (g, ct) => new ValueTask(SendAsync(g.Key, g, ct)));
        }
        return [.. events.Select(ResultOf)];
    }

    /// <summary>
    /// The partition key of an event: the customer id that ingestion derives from the event's strongest identifier
    /// (<see cref="Identity.IdKind"/> order, then key; an alias's previous id counts), i.e. the id of a customer first seen
    /// with that identifier. Events of one customer therefore share a partition and keep their order; it is a short,
    /// fixed-length key (Event Hubs allows 128 characters) that shows no identifier. An event without identifiers (it is
    /// quarantined anyway) is keyed by its message id.
    /// </summary>
    public static string PartitionKeyOf(CustomerEvent e)
    {
        var ids = e.PreviousId is null ? e.Ids : e.Ids.Add(e.PreviousId);
        if (ids.IsDefaultOrEmpty)
        {
            return CustomerId.DerivedFrom("message:" + e.MessageId).Value;
        }
        var strongest = ids.OrderBy(i => i.Kind).ThenBy(i => i.Key, StringComparer.Ordinal).First();
        return CustomerId.DerivedFrom(strongest.GraphKey).Value;
    }

    /// <summary>What the API can tell before ingestion: the stateless verdict, in the same terms the trigger uses.</summary>
    public static ItemResult ResultOf(CleanResult result)
    {
        if (!result.Quarantined)
        {
            return new ItemResult(result.Event.MessageId, Outcome.Accepted, null, [.. result.Findings.Select(f => f.Code).Distinct()]);
        }
        var reasons = result.Findings.Where(f => f.Quarantines && f.Line < 0).Select(f => f.Code).ToList();
        if (reasons.Count == 0)
        {
            reasons.AddRange(result.QuarantinedLines.Select(f => f.Code).Distinct());
        }
        return new ItemResult(result.Event.MessageId, Outcome.Quarantined, null, [.. reasons]);
    }

    /// <summary>Sends one partition key's events in order, in as few batches as the hub's size limit allows.</summary>
    private async Task SendAsync(string partitionKey, IEnumerable<CleanResult> items, CancellationToken cancellationToken)
    {
        var options = new CreateBatchOptions { PartitionKey = partitionKey };
        var batch = await producer.CreateBatchAsync(options, cancellationToken);
        try
        {
            foreach (var item in items)
            {
                var data = EventEnvelope.ToEventData(item);
                if (batch.TryAdd(data))
                {
                    continue;
                }
                if (batch.Count > 0)
                {
                    await producer.SendAsync(batch, cancellationToken);
                    batch.Dispose();
                    batch = await producer.CreateBatchAsync(options, cancellationToken);
                    if (batch.TryAdd(data))
                    {
                        continue;
                    }
                }
                throw new EventTooLargeException(item.Event.MessageId, data.EventBody.ToMemory().Length, batch.MaximumSizeInBytes);
            }
            if (batch.Count > 0)
            {
                await producer.SendAsync(batch, cancellationToken);
            }
        }
        finally
        {
            batch.Dispose();
        }
    }
}

/// <summary>One event does not fit in an empty batch: the hub's message size limit is below the API's request limit.</summary>
public sealed class EventTooLargeException(string messageId, int bytes, long maximumBytes)
    : Exception($"Event {messageId} is {bytes} bytes as an envelope; the event hub accepts at most {maximumBytes} bytes per batch.")
{
    public string MessageId { get; } = messageId;
}
