using Azure.Core;

namespace Lodestar.Messaging;

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
