using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Lodestar.Messaging.Acs;

/// <summary>
/// The Azure.Core pipeline both ACS senders use: Azure.Core's retry policy (exponential back-off that waits at least
/// what <c>Retry-After</c> asks) on 408, 429 and 5xx and on transport errors, then per attempt either the Entra bearer
/// token or the HMAC signature. Retrying a request the service may already have accepted is safe here only because
/// every ACS request these senders make carries the repeatability pair (or is a read).
/// </summary>
internal static class AcsPipeline
{
    public static HttpPipeline Create(AcsConnection connection, RetrySettings retry, HttpClient httpClient, TimeProvider timeProvider)
    {
        var options = new ChannelClientOptions(httpClient, retry);
        HttpPipelinePolicy auth = connection.AccessKey is { } key
            ? new AcsHmacPolicy(key, timeProvider)
            : new BearerTokenAuthenticationPolicy(connection.Credential!, AcsConnection.Scope);
        return HttpPipelineBuilder.Build(options, [], [auth], new RetryTransientClassifier());
    }

    /// <summary>
    /// Runs one send and logs its receipt; a transport failure that outlived the retries becomes a Failed receipt naming
    /// the exception type only (its message may quote the address), never an exception out of the sender.
    /// </summary>
    public static async Task<DeliveryReceipt> GuardedAsync(ILogger logger, OutboundMessage message, string service,
        Func<Task<DeliveryReceipt>> send, CancellationToken cancellationToken)
    {
        try
        {
            return logger.Log(message, await send());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ChannelLog.TransportFailed(logger, message.Channel, message.MessageId, message.Customer, ex.GetType().Name);
            return new DeliveryReceipt(DeliveryStatus.Failed, Reason: $"no answer from {service}: " + ex.GetType().Name);
        }
    }
}
