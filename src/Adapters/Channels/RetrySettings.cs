namespace Lodestar.Messaging;

/// <summary>How a sender retries transient answers (429, and 5xx where the request is idempotent).</summary>
/// <param name="MaxRetries">Retries after the first attempt.</param>
/// <param name="Delay">First back-off; doubled per retry (with jitter) up to <paramref name="MaxDelay"/>. A longer <c>Retry-After</c> wins.</param>
/// <param name="MaxDelay">Longest back-off the sender computes itself.</param>
/// <param name="NetworkTimeout">Time-out of one attempt.</param>
public sealed record RetrySettings(int MaxRetries, TimeSpan Delay, TimeSpan MaxDelay, TimeSpan NetworkTimeout)
{
    public static RetrySettings Default { get; } = new(3, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
}
