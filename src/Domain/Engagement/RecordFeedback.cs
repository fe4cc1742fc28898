using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Journeys;
using Lodestar.Profiles;

namespace Lodestar.Engagement;

/// <summary>What became of one report.</summary>
public enum FeedbackOutcome
{
    /// <summary>Ingested as a customer event (or events).</summary>
    Accepted,
    /// <summary>Already ingested: a redelivered report.</summary>
    Duplicate,
    /// <summary>Ingested but kept aside by the ingest rules (e.g. a near-duplicate open).</summary>
    Quarantined,
    /// <summary>Could not be placed; kept as a dead letter with its reason.</summary>
    DeadLettered,
    /// <summary>An event type or an inbound SMS the loop does not act on.</summary>
    Ignored,
}

/// <summary>One report's outcome: its event id, the customer it landed on and a reason for dead letters.</summary>
public sealed record FeedbackItem(string EventId, FeedbackOutcome Outcome, string? Customer = null, string? Reason = null);

/// <summary>The outcome of a delivery, item by item in input order.</summary>
public sealed record FeedbackResult(ImmutableArray<FeedbackItem> Items)
{
    public int Count(FeedbackOutcome outcome) => Items.Count(i => i.Outcome == outcome);
}

/// <summary>
/// The feedback loop, shared by both hosts: each report becomes a customer event through the same sink as every other
/// event (so it lands on the profile, wakes journeys waiting for it and is idempotent on a message id derived from the
/// provider's event id), plus an engagement fact for campaign metrics. Delivery and engagement reports find their
/// customer through the delivery ledger; unknown message ids become dead letters, never errors (the provider would
/// only retry them). STOP replies and unsubscribe links withdraw marketing consent on the channel at once; hard
/// bounces and rejected addresses mark the contact point unusable.
/// </summary>
public sealed class RecordFeedback(IDeliveryLedger ledger, IFeedbackStore store, IEventSink sink, Cleaner cleaner, TimeProvider time)
{
    public async Task<FeedbackResult> HandleAsync(IReadOnlyList<FeedbackReport> reports, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var items = new FeedbackItem?[reports.Count];
        var events = new List<(int Index, CleanResult Event)>();
        var facts = new List<EngagementFact>();
        var dead = new List<DeadLetter>();
        for (var i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            switch (report)
            {
                case DeliveryReport or EngagementReport or SendRejected:
                {
                    var (providerId, kind, status, detail) = report switch
                    {
                        DeliveryReport r => (r.ProviderMessageId, r.Kind, r.Status, r.Detail),
                        EngagementReport r => (r.ProviderMessageId, r.Kind, null, null),
                        SendRejected r => (r.MessageId, EngagementKind.Bounced, "rejected", r.Reason),
                        _ => throw new InvalidOperationException("unreachable"),
                    };
                    var sent = await ledger.FindSendAsync(providerId, cancellationToken);
                    if (sent is null)
                    {
                        dead.Add(new DeadLetter(report.EventId, report.EventType, DeadLetterReasons.UnknownMessage, $"no send has message id {providerId}", now));
                        items[i] = new FeedbackItem(report.EventId, FeedbackOutcome.DeadLettered, Reason: DeadLetterReasons.UnknownMessage);
                        continue;
                    }
                    if (await store.ContactKeyAsync(sent.Customer, cancellationToken) is not { } key)
                    {
                        dead.Add(new DeadLetter(report.EventId, report.EventType, DeadLetterReasons.UnknownCustomer, $"customer {sent.Customer} of message {sent.MessageId} has no identifier left", now));
                        items[i] = new FeedbackItem(report.EventId, FeedbackOutcome.DeadLettered, sent.Customer.Value, DeadLetterReasons.UnknownCustomer);
                        continue;
                    }
                    var properties = MessageProperties(sent);
                    if (kind == EngagementKind.Bounced)
                    {
                        properties["hard"] = Json(true);
                    }
                    if (status is not null)
                    {
                        properties["status"] = Json(status);
                    }
                    if (detail is not null)
                    {
                        properties["detail"] = Json(detail.Length > 200 ? detail[..200] : detail);
                    }
                    events.Add((i, Event(EventMessageId(report.EventId), EngagementEvents.NameOf(kind), key, report.At, properties)));
                    facts.Add(new EngagementFact(report.EventId, sent.MessageId, kind, report.At));
                    break;
                }
                case UnsubscribeRequest u:
                {
                    if (await store.ContactKeyAsync(u.Customer, cancellationToken) is not { } key)
                    {
                        dead.Add(new DeadLetter(u.EventId, u.EventType, DeadLetterReasons.UnknownCustomer, $"customer {u.Customer} has no identifier left", now));
                        items[i] = new FeedbackItem(u.EventId, FeedbackOutcome.DeadLettered, u.Customer.Value, DeadLetterReasons.UnknownCustomer);
                        continue;
                    }
                    events.Add((i, Event(EventMessageId(u.EventId), ConsentEvent.Name, key, u.At, Withdrawal(u.Channel, "unsubscribe-link"))));
                    if (u.MessageId is not null && await ledger.FindSendAsync(u.MessageId, cancellationToken) is { } sent)
                    {
                        events.Add((i, Event(EventMessageId(u.EventId) + "-u", EngagementEvents.Unsubscribed, key, u.At, MessageProperties(sent))));
                        facts.Add(new EngagementFact(u.EventId, sent.MessageId, EngagementKind.Unsubscribed, u.At));
                    }
                    break;
                }
                case InboundSms sms when OptOutReplies.IsOptOut(sms.Message):
                {
                    var raw = new RawEvent
                    {
                        MessageId = EventMessageId(sms.EventId),
                        Type = EventType.Track,
                        Name = ConsentEvent.Name,
                        Source = EngagementEvents.Source,
                        Ids = [new RawIdentifier(IdKind.Phone, sms.From)],
                        Timestamp = sms.At,
                        Properties = Withdrawal(Channel.Sms, "sms-reply").ToImmutableSortedDictionary(StringComparer.Ordinal),
                    };
                    events.Add((i, cleaner.Clean(raw, now)));
                    break;
                }
                default:
                    items[i] = new FeedbackItem(report.EventId, FeedbackOutcome.Ignored);
                    break;
            }
        }
        if (events.Count > 0)
        {
            var results = await sink.AcceptAsync([.. events.Select(e => e.Event)], cancellationToken);
            // A report that made two events (unsubscribe) takes the outcome of its first.
            for (var k = 0; k < events.Count; k++)
            {
                var index = events[k].Index;
                if (items[index] is not null)
                {
                    continue;
                }
                var r = results[k];
                items[index] = new FeedbackItem(reports[index].EventId, r.Outcome switch
                {
                    Outcome.Accepted => FeedbackOutcome.Accepted,
                    Outcome.Duplicate => FeedbackOutcome.Duplicate,
                    _ => FeedbackOutcome.Quarantined,
                }, r.CustomerId, r.Reasons.IsDefaultOrEmpty ? null : string.Join(',', r.Reasons));
            }
        }
        if (facts.Count > 0 || dead.Count > 0)
        {
            await store.RecordFeedbackAsync(facts, dead, cancellationToken);
        }
        return new FeedbackResult([.. items.Select(x => x!)]);
    }

    /// <summary>
    /// The event's message id: the provider's event id with a prefix, hashed when long. The same report delivered twice
    /// yields the same id, which the ingest use case drops as a duplicate.
    /// </summary>
    public static string EventMessageId(string eventId) =>
        eventId.Length <= 80 ? "fb-" + eventId : "fb-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..40];

    private static Dictionary<string, JsonElement> MessageProperties(SentMessageRecord sent)
    {
        var p = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["messageId"] = Json(sent.MessageId),
            ["channel"] = Json(sent.Channel.Name()),
            ["campaign"] = Json(sent.Campaign),
            ["journey"] = Json(sent.JourneyId),
            ["node"] = Json(sent.Node),
        };
        if (sent.Branch is not null)
        {
            p["branch"] = Json(sent.Branch);
        }
        return p;
    }

    private static Dictionary<string, JsonElement> Withdrawal(Channel channel, string via) => new(StringComparer.Ordinal)
    {
        ["channel"] = Json(channel.Name()),
        ["purpose"] = Json("marketing"),
        ["granted"] = Json(false),
        ["via"] = Json(via),
    };

    private static CleanResult Event(string messageId, string name, Identifier key, DateTimeOffset at, Dictionary<string, JsonElement> properties) => new(new CustomerEvent
    {
        MessageId = messageId,
        Type = EventType.Track,
        Name = name,
        Source = EngagementEvents.Source,
        Ids = [key],
        Timestamp = at,
        Properties = properties.ToImmutableSortedDictionary(StringComparer.Ordinal),
    }, []);

    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value);

    private static JsonElement Json(bool value) => JsonSerializer.SerializeToElement(value);
}
