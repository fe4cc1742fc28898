using Microsoft.Extensions.Logging;

namespace Lodestar.Cosmos;

/// <summary>The adapter's log lines: customer ids, counts and reasons only, never an identifier's value.</summary>
internal static partial class CosmosLog
{
    [LoggerMessage(EventId = 7300, Level = LogLevel.Warning,
        Message = "Finishing a cut-short commit for customer {CustomerId}: {Events} events, {Links} links, {Merges} merges")]
    public static partial void FinishingCommit(ILogger logger, string customerId, int events, int links, int merges);

    [LoggerMessage(EventId = 7301, Level = LogLevel.Debug,
        Message = "Profile {CustomerId} changed under a conditional write (412); re-reading")]
    public static partial void PreconditionFailed(ILogger logger, string customerId);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Information,
        Message = "Commit conflict: {Conflicts} of {Profiles} profiles changed since they were read")]
    public static partial void CommitConflict(ILogger logger, int conflicts, int profiles);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Information,
        Message = "Erased customer {CustomerId}: {Documents} documents")]
    public static partial void Erased(ILogger logger, string customerId, int documents);

    [LoggerMessage(EventId = 7304, Level = LogLevel.Warning,
        Message = "Dead-lettered an event from {Source}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string source, string reason);
}
