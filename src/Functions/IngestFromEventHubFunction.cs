using Azure.Messaging.EventHubs;
using Lodestar.Cleaning;
using Lodestar.Cosmos;
using Lodestar.Customers;
using Lodestar.EventHubs;
using Lodestar.Events;
using Lodestar.Functions.Journeys;
using Lodestar.Ingestion;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Lodestar.Functions;

/// <summary>
/// Ingests what the HTTP functions published: decodes each envelope and runs the same use case as the standalone host
/// (duplicates, identity resolution and merges, profile fold, real-time tags, one atomic commit per batch).
/// </summary>
/// <remarks>
/// A body that is not a readable envelope is dead-lettered: logged with its message id, sequence number and reason
/// (never its content), written to the deadLetters container when Cosmos DB is the store (its hash and size, not its body),
/// and skipped, so one bad event cannot stall its partition. Anything else that fails (the store,
/// the network) escapes, and the retry policy runs the batch again from the same checkpoint until it succeeds;
/// replaying a batch is harmless because ingestion is idempotent on the message id, and so is the journey hand-off
/// (an instance id derives from customer, journey and business key; a re-raised event is one the engine has seen or drops).
/// The accepted events then start the journeys they trigger and are raised to the customer's running instances.
/// </remarks>
public sealed class IngestFromEventHubFunction(
    IngestEvents ingest, JourneyTriggers journeys, TimeProvider time, ILogger<IngestFromEventHubFunction> logger, DeadLetters? deadLetters = null)
{
    public const string DeadLetterSource = "eventhub";

    [Function(nameof(IngestFromEventHub))]
    [ExponentialBackoffRetry(-1, "00:00:05", "00:15:00")]
    public Task IngestFromEventHub(
        [EventHubTrigger("%" + Composition.EventHubNameSetting + "%", Connection = Composition.EventHubConnectionSetting,
            ConsumerGroup = "%" + Composition.EventHubConsumerGroupSetting + "%", IsBatched = true)] EventData[] events,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) => IngestAsync(events, client, cancellationToken);

    /// <summary>The function's body: ingest the batch, then hand the accepted events to the journeys (when a client is given).</summary>
    public async Task IngestAsync(EventData[] events, DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var batch = new List<CleanResult>(events.Length);
        foreach (var data in events)
        {
            if (EventEnvelope.TryRead(data, out var result, out var reason))
            {
                batch.Add(result);
            }
            else
            {
                Log.DeadLettered(logger, data.MessageId, data.SequenceNumber, data.EnqueuedTime, reason);
                if (deadLetters is not null)
                {
                    await deadLetters.WriteAsync(PoisonEvent.Of(DeadLetterSource, "unreadable-envelope", reason, data.EventBody.ToMemory().Span,
                        time.GetUtcNow(), data.MessageId, data.PartitionKey, data.SequenceNumber), cancellationToken);
                }
            }
        }
        if (batch.Count == 0)
        {
            return;
        }
        var report = await ingest.IngestAsync(batch, cancellationToken);
        Log.Ingested(logger, batch.Count, report.Accepted, report.Quarantined, report.Duplicates, report.Merges, events.Length - batch.Count);
        if (client is not null)
        {
            var started = await journeys.OnAcceptedAsync(client, Accepted(batch, report), time.GetUtcNow(), cancellationToken);
            Log.JourneysStarted(logger, started);
        }
    }

    /// <summary>The accepted events with the customer each resolved to (the report is item by item in input order).</summary>
    public static List<(CustomerEvent Event, CustomerId Customer)> Accepted(IReadOnlyList<CleanResult> batch, IngestReport report) =>
        [.. batch.Zip(report.Items)
            .Where(p => p.Second is { Outcome: Outcome.Accepted, CustomerId: not null })
            .Select(p => (p.First.Event, CustomerId.Parse(p.Second.CustomerId!)))];
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error,
        Message = "Dead-lettered event {MessageId} (sequence number {SequenceNumber}, enqueued {EnqueuedTime}): {Reason}. It was skipped.")]
    public static partial void DeadLettered(ILogger logger, string? messageId, long sequenceNumber, DateTimeOffset enqueuedTime, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Ingested {Count} events: {Accepted} accepted, {Quarantined} quarantined, {Duplicates} duplicates, {Merges} merges; {DeadLettered} dead-lettered.")]
    public static partial void Ingested(ILogger logger, int count, int accepted, int quarantined, int duplicates, int merges, int deadLettered);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "The batch started {Started} journey instances.")]
    public static partial void JourneysStarted(ILogger logger, int started);
}
