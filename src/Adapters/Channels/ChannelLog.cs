using Lodestar.Customers;
using Lodestar.Journeys;
using Microsoft.Extensions.Logging;

namespace Lodestar.Messaging;

/// <summary>
/// The adapters' log lines. They name the channel, the customer id and the message id, never the address (phone,
/// email, push tag, openid), the content, an access token or a provider's free-text error message.
/// </summary>
internal static partial class ChannelLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information,
        Message = "{Channel} message {MessageId} for {CustomerId} accepted by the provider as {ProviderMessageId}")]
    public static partial void Accepted(ILogger logger, Channel channel, string messageId, CustomerId customerId, string? providerMessageId);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning,
        Message = "{Channel} message {MessageId} for {CustomerId} not accepted: {Status} ({Reason})")]
    public static partial void NotAccepted(ILogger logger, Channel channel, string messageId, CustomerId customerId, DeliveryStatus status, string? reason);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning,
        Message = "{Channel} message {MessageId} for {CustomerId} failed on the way to the provider ({ErrorType})")]
    public static partial void TransportFailed(ILogger logger, Channel channel, string messageId, CustomerId customerId, string errorType);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information,
        Message = "Mini-program access token for app {AppId} refreshed; valid for {Lifetime}")]
    public static partial void TokenRefreshed(ILogger logger, string appId, TimeSpan lifetime);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning,
        Message = "Mini-program access token for app {AppId} rejected with errcode {ErrCode}; refreshing and retrying once")]
    public static partial void TokenRejected(ILogger logger, string appId, int errCode);

    /// <summary>Logs a receipt at the level it deserves and returns it.</summary>
    public static DeliveryReceipt Log(this ILogger logger, OutboundMessage message, DeliveryReceipt receipt)
    {
        if (receipt.Status == DeliveryStatus.Accepted)
        {
            Accepted(logger, message.Channel, message.MessageId, message.Customer, receipt.ProviderMessageId);
        }
        else
        {
            NotAccepted(logger, message.Channel, message.MessageId, message.Customer, receipt.Status, receipt.Reason);
        }
        return receipt;
    }
}
