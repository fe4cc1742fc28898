using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Messaging;
using Lodestar.Profiles;
using Lodestar.Scoring;

namespace Lodestar.Engagement;

/// <summary>
/// One message a channel sender took, as the ledger keeps it: our message id, the provider's (when it gave one), who it
/// went to and which campaign, journey, node, channel, A-B branch and segment it belongs to. Delivery reports name the
/// provider's id; the ledger turns it back into the customer and the campaign.
/// </summary>
public sealed record SentMessageRecord(
    string MessageId,
    string? ProviderMessageId,
    CustomerId Customer,
    Channel Channel,
    string JourneyId,
    string Campaign,
    string Node,
    DateTimeOffset SentAt,
    DeliveryStatus Status = DeliveryStatus.Accepted,
    string? Branch = null,
    string? Segment = null)
{
    /// <summary>
    /// The record for an outbox message and the sender's receipt. The segment is the customer's RFM segment at send time
    /// (tag <c>rfm_segment</c>) when the profile has one.
    /// </summary>
    public static SentMessageRecord From(OutboxMessage message, DeliveryReceipt receipt, DateTimeOffset sentAt, Profile? profile = null, string? branch = null) => new(
        message.MessageId, receipt.ProviderMessageId, message.Customer, message.Channel, message.JourneyId, message.Campaign, message.Node,
        sentAt, receipt.Status, branch, profile is not null && profile.Tags.TryGetValue(ScoringTags.RfmSegment, out var segment) ? segment.Value : null);
}

/// <summary>
/// The delivery ledger: written by the dispatcher after each send, read by the feedback loop (provider message id →
/// our message, customer and campaign) and by campaign metrics. Implemented by the SQLite store; the Functions host's
/// Cosmos store would be the second.
/// </summary>
public interface IDeliveryLedger
{
    /// <summary>Records sends; idempotent on <see cref="SentMessageRecord.MessageId"/> (a replayed dispatch changes nothing,
    /// except that it may fill in a provider message id the first record lacked).</summary>
    Task RecordSendsAsync(IReadOnlyCollection<SentMessageRecord> sends, CancellationToken cancellationToken);

    /// <summary>The send a provider's message id (or, failing that, our own message id) names; null when unknown.</summary>
    Task<SentMessageRecord?> FindSendAsync(string messageId, CancellationToken cancellationToken);
}
