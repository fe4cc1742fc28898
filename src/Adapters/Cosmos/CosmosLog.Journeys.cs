using Microsoft.Extensions.Logging;

namespace Lodestar.Cosmos;

/// <summary>Log lines of the journey-side documents (send ledger, definitions) and the delivery ledger: ids and counts only.</summary>
internal static partial class CosmosLog
{
    [LoggerMessage(EventId = 7310, Level = LogLevel.Debug,
        Message = "Send ledger of customer {CustomerId} changed under an append ({Status}); re-reading")]
    public static partial void SendLedgerMoved(ILogger logger, string customerId, int status);

    [LoggerMessage(EventId = 7311, Level = LogLevel.Warning,
        Message = "Journey {JourneyId} version {Version} is already published with a different definition")]
    public static partial void JourneyVersionTaken(ILogger logger, string journeyId, int version);

    [LoggerMessage(EventId = 7312, Level = LogLevel.Debug,
        Message = "Send record {MessageId} changed under a provider-id update ({Status}); re-reading")]
    public static partial void SendRecordMoved(ILogger logger, string messageId, int status);
}
