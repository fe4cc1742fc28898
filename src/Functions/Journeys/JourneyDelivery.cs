using Lodestar.Content;
using Lodestar.Engagement;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Messaging;
using Lodestar.Profiles;

namespace Lodestar.Functions.Journeys;

/// <summary>What became of one message of a <see cref="SendBatch"/>: the provider's receipt, by our message id.</summary>
public sealed record SendReceipt(string MessageId, DeliveryStatus Status, string? ProviderMessageId = null, string? Reason = null)
{
    /// <summary>The receipt as the journey engine's <see cref="SendResult"/> input (it logs it at the send's node).</summary>
    public SendResult ToSendResult() => new(MessageId, Status switch
    {
        DeliveryStatus.Accepted => SendOutcome.Delivered,
        DeliveryStatus.Refused or DeliveryStatus.InvalidAddress => SendOutcome.Rejected,
        _ => SendOutcome.Failed,
    }, Reason);
}

/// <summary>
/// Delivers the messages of the Send activity: to the real channel adapter where one is configured (<c>Channels__*</c>),
/// with the template rendered for the customer, else to the in-process outbox (kept, not sent); and records every send in
/// the delivery ledger, which the feedback webhooks and campaign metrics read. The raw address exists only in the request:
/// it is unsealed here, inside the activity, and never crosses into the orchestration's history.
/// </summary>
/// <remarks>
/// The activity may run twice for one message: Durable retries it when it throws, and re-runs it when the worker dies
/// before its result is saved. A message the delivery ledger already has is not handed to the provider again (its
/// recorded receipt is returned). In the gap between the provider's answer and the ledger write, ACS email and SMS are
/// protected by the provider itself: the Repeatability-Request-ID derives from our message id, so ACS executes a repeated
/// request once. Notification Hubs and the mini-program API have no idempotency key; for them the ledger check is the only
/// guard, so a crash inside that gap (after the provider took the message, before the ledger write) can send it twice,
/// and their adapters never retry a 5xx or a lost answer themselves for the same reason.
/// </remarks>
public sealed class JourneyDelivery(
    IReadOnlyDictionary<Channel, IChannelSender> senders,
    MessageTemplates templates,
    IJourneyOutbox outbox,
    IProfileStore profiles,
    IDeliveryLedger? ledger,
    TimeProvider time,
    PiiProtector? pii = null)
{
    /// <summary>The channels that go to a real provider; the others stay with the outbox.</summary>
    public IReadOnlyCollection<Channel> Channels => [.. senders.Keys];

    public async Task<SendReceipt> DeliverAsync(Send send, string instanceId, CancellationToken cancellationToken)
    {
        if (ledger is not null && await ledger.FindSendAsync(send.MessageId, cancellationToken) is { } done && done.MessageId == send.MessageId)
        {
            return new SendReceipt(send.MessageId, done.Status, done.ProviderMessageId, "already sent");
        }
        var now = time.GetUtcNow();
        var profile = await profiles.GetAsync(send.Recipient, cancellationToken);
        DeliveryReceipt receipt;
        if (senders.TryGetValue(send.Channel, out var sender))
        {
            receipt = await SendAsync(sender, send, profile, cancellationToken);
        }
        else
        {
            await outbox.EnqueueAsync(send, cancellationToken);
            receipt = DeliveryReceipt.Accepted(null);
        }
        if (ledger is not null)
        {
            // Not cancellable: the provider has answered, and the record is what keeps a re-run from sending again.
            await ledger.RecordSendsAsync([SentMessageRecord.From(OutboxMessage.From(send, send.Recipient, instanceId, now), receipt, now, profile)],
                CancellationToken.None);
        }
        return new SendReceipt(send.MessageId, receipt.Status, receipt.ProviderMessageId, receipt.Reason);
    }

    private async Task<DeliveryReceipt> SendAsync(IChannelSender sender, Send send, Profile? profile, CancellationToken cancellationToken)
    {
        if (profile is null)
        {
            return new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: "the customer is unknown or erased");
        }
        if (ContactAddresses.Of(profile, send.Channel, pii) is not { } address)
        {
            return new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: ContactAddresses.WhyMissing(profile, send.Channel));
        }
        var model = MessageModel.FromProfile(profile, send.Offer is null ? null : new OfferView(send.Offer, send.Offer));
        var rendered = templates.Renderer.Render(send.Template, send.Channel, null, model);
        if (rendered.Content is null)
        {
            return new DeliveryReceipt(DeliveryStatus.Failed, Reason: "template: " + string.Join("; ", rendered.Problems.Select(p => p.ToString())));
        }
        // FirstAttemptAt is the decided send time, the same on every attempt (ACS Repeatability-First-Sent).
        return await sender.SendAsync(new OutboundMessage(send.MessageId, send.Channel, send.Recipient, address, rendered.Content,
            send.Transactional, send.NotBefore, send.Campaign, send.Template), cancellationToken);
    }
}
