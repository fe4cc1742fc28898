using Lodestar.Customers;
using Lodestar.Journeys;

namespace Lodestar.Messaging;

/// <summary>
/// A message's rendered content. Each channel reads the parts it has: SMS <see cref="Text"/>; email
/// <see cref="Subject"/>, <see cref="Html"/> and <see cref="Text"/>; push <see cref="Title"/> and <see cref="Text"/>;
/// mini-program subscribe messages <see cref="ProviderTemplate"/>, <see cref="Data"/> and <see cref="Page"/>.
/// </summary>
public sealed record MessageContent(
    string Text,
    string? Subject = null,
    string? Html = null,
    string? Title = null,
    string? ProviderTemplate = null,
    IReadOnlyDictionary<string, string>? Data = null,
    string? Page = null,
    string Locale = "zh-CN");

/// <summary>
/// One message ready for a provider. <see cref="Address"/> is the raw contact point (E.164 phone, email, push
/// installation tag, mini-program openid): it lives in memory only, for the request, and is never logged or written.
/// <see cref="MessageId"/> is stable across retries and restarts (derived from instance, node and attempt) and
/// <see cref="FirstAttemptAt"/> is when it was first tried: together they make provider retries idempotent
/// (ACS Repeatability-Request-ID / Repeatability-First-Sent).
/// </summary>
public sealed record OutboundMessage(
    string MessageId,
    Channel Channel,
    CustomerId Customer,
    string Address,
    MessageContent Content,
    bool Transactional,
    DateTimeOffset FirstAttemptAt,
    string Campaign = "",
    string Template = "");

/// <summary>What a provider made of a message.</summary>
public enum DeliveryStatus
{
    /// <summary>The provider took it; delivery reports follow as engagement events.</summary>
    Accepted = 0,

    /// <summary>The recipient refused (unsubscribed, no subscription to the template): do not retry.</summary>
    Refused = 1,

    /// <summary>The address is invalid or unknown to the provider: mark the contact point unusable.</summary>
    InvalidAddress = 2,

    /// <summary>Still failing after the allowed retries (throttled, provider down, malformed answer).</summary>
    Failed = 3,
}

/// <summary>A provider's answer: the status, its own message id when it gave one, and a plain reason otherwise.</summary>
public sealed record DeliveryReceipt(DeliveryStatus Status, string? ProviderMessageId = null, string? Reason = null)
{
    public static DeliveryReceipt Accepted(string? providerMessageId) => new(DeliveryStatus.Accepted, providerMessageId);
}

/// <summary>
/// The channel port: one implementation per channel and provider (ACS email, ACS SMS, Notification Hubs, mini-program
/// subscribe messages; the standalone host's outbox files). Transient failures are retried inside the sender; the
/// receipt is final.
/// </summary>
public interface IChannelSender
{
    Channel Channel { get; }

    Task<DeliveryReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}
