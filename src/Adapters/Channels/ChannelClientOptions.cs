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
