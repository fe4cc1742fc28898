using Azure.Core.Pipeline;

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
}
