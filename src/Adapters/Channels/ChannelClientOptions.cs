using Azure.Core;
using Azure.Core.Pipeline;

namespace Lodestar.Messaging;

/// <summary>
/// Azure.Core client options for the channel pipelines: the shared <see cref="HttpClient"/> as transport, the retry
/// settings, and Azure.Core's request logging off (it would write URLs and headers; ours log ids only).
/// </summary>
internal sealed class ChannelClientOptions : ClientOptions
{
    public ChannelClientOptions(HttpClient httpClient, RetrySettings retry)
    {
        Transport = new HttpClientTransport(httpClient);
        Retry.MaxRetries = retry.MaxRetries;
        Retry.Delay = retry.Delay;
        Retry.MaxDelay = retry.MaxDelay;
        Retry.Mode = RetryMode.Exponential;
        Retry.NetworkTimeout = retry.NetworkTimeout;
        Diagnostics.IsLoggingEnabled = false;
        Diagnostics.IsTelemetryEnabled = false;
    }
}

/// <summary>Retries 408, 429 and 5xx and transport errors: for requests that are idempotent (reads, repeatable ACS sends).</summary>
internal sealed class RetryTransientClassifier : ResponseClassifier
{
    public override bool IsRetriableResponse(HttpMessage message) =>
        message.Response.Status is 408 or 429 or (>= 500 and not 501 and not 505);
}

/// <summary>
/// Retries only 429, which means the service refused the request before acting on it: for requests that are not
/// idempotent (a push send), where a 5xx or a lost answer may hide an accepted message.
/// </summary>
internal sealed class RetryThrottledOnlyClassifier : ResponseClassifier
{
    public override bool IsRetriableResponse(HttpMessage message) => message.Response.Status == 429;

    public override bool IsRetriableException(Exception exception) => false;

    public override bool IsRetriable(HttpMessage message, Exception exception) => false;
}
