using Lodestar.Customers;
using Lodestar.Journeys;

namespace Lodestar.Engagement;

/// <summary>
/// One provider event the feedback loop handles, already parsed. A closed hierarchy. <see cref="EventId"/> is the
/// provider's event id (Event Grid's <c>id</c>): the engagement event's message id derives from it, so a redelivered
/// report is a duplicate.
/// </summary>
public abstract record FeedbackReport(string EventId, string EventType, DateTimeOffset At);

/// <summary>A delivery report: email <c>status</c> or SMS <c>deliveryStatus</c>, mapped to an engagement kind.</summary>
public sealed record DeliveryReport(string EventId, string EventType, DateTimeOffset At, Channel Channel, string ProviderMessageId, EngagementKind Kind, string Status, string? Detail)
    : FeedbackReport(EventId, EventType, At);

/// <summary>An email engagement tracking report (<c>engagement</c> view or click).</summary>
public sealed record EngagementReport(string EventId, string EventType, DateTimeOffset At, Channel Channel, string ProviderMessageId, EngagementKind Kind)
    : FeedbackReport(EventId, EventType, At);

/// <summary>
/// An inbound SMS. <see cref="From"/> is the sender's raw phone number: it lives in memory only, goes through the
/// cleaner (which hashes it) and is never logged or stored as is.
/// </summary>
public sealed record InboundSms(string EventId, string EventType, DateTimeOffset At, string From, string Message)
    : FeedbackReport(EventId, EventType, At)
{
    public override string ToString() => $"InboundSms {{ EventId = {EventId}, At = {At:O} }}";
}

/// <summary>A click on an unsubscribe link whose token named the customer, the channel and perhaps the message.</summary>
public sealed record UnsubscribeRequest(string EventId, DateTimeOffset At, CustomerId Customer, Channel Channel, string? MessageId)
    : FeedbackReport(EventId, "Lodestar.Unsubscribe", At);

/// <summary>A sender's refusal for an invalid address (a receipt, not a report): the contact point becomes unusable.</summary>
public sealed record SendRejected(string EventId, DateTimeOffset At, string MessageId, string Reason)
    : FeedbackReport(EventId, "Lodestar.SendRejected", At);

/// <summary>An event type the loop does not act on (acknowledged so the provider does not retry it).</summary>
public sealed record IgnoredReport(string EventId, string EventType, DateTimeOffset At) : FeedbackReport(EventId, EventType, At);
