using Azure.Messaging.EventHubs;
using Lodestar.Cleaning;
using Lodestar.EventHubs;
using Lodestar.Ingestion;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Lodestar.Functions;

/// <summary>
/// Ingests what the HTTP functions published: decodes each envelope and runs the same use case as the standalone host
/// (duplicates, identity resolution and merges, profile fold, real-time tags, one atomic commit per batch).
/// </summary>
/// <remarks>
/// A body that is not a readable envelope is dead-lettered: logged with its message id, sequence number and reason
/// (never its content) and skipped, so one bad event cannot stall its partition. Anything else that fails (the store,
/// the network) escapes, and the retry policy runs the batch again from the same checkpoint until it succeeds;
/// replaying a batch is harmless because ingestion is idempotent on the message id.
/// </remarks>
public sealed class IngestFromEventHubFunction(IngestEvents ingest, ILogger<IngestFromEventHubFunction> logger)
{
    [Function(nameof(IngestFromEventHub))]
    [ExponentialBackoffRetry(-1, "00:00:05", "00:15:00")]
    public async Task IngestFromEventHub(
        [EventHubTrigger("%" + Composition.EventHubNameSetting + "%", Connection = Composition.EventHubConnectionSetting, IsBatched = true)] EventData[] events,
        CancellationToken cancellationToken)
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
            }
        }
        if (batch.Count == 0)
        {
            return;
        }
        var report = await ingest.IngestAsync(batch, cancellationToken);
        Log.Ingested(logger, batch.Count, report.Accepted, report.Quarantined, report.Duplicates, report.Merges, events.Length - batch.Count);
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error,
        Message = "Dead-lettered event {MessageId} (sequence number {SequenceNumber}, enqueued {EnqueuedTime}): {Reason}. It was skipped.")]
    public static partial void DeadLettered(ILogger logger, string? messageId, long sequenceNumber, DateTimeOffset enqueuedTime, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Ingested {Count} events: {Accepted} accepted, {Quarantined} quarantined, {Duplicates} duplicates, {Merges} merges; {DeadLettered} dead-lettered.")]
    public static partial void Ingested(ILogger logger, int count, int accepted, int quarantined, int duplicates, int merges, int deadLettered);
}
