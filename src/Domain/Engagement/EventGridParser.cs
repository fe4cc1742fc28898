using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Lodestar.Journeys;
using Lodestar.Validation;

namespace Lodestar.Engagement;

/// <summary>
/// A parsed Event Grid delivery: either the subscription validation handshake (<see cref="ValidationCode"/>) or the
/// reports to act on.
/// </summary>
public sealed record EventGridBatch(string? ValidationCode, ImmutableArray<FeedbackReport> Reports);

/// <summary>
/// Reads Event Grid deliveries in either schema: the Event Grid schema (an array of <c>{id, eventType, eventTime, data}</c>)
/// or CloudEvents 1.0 (one <c>{specversion, id, type, time, data}</c> or an array). The Azure Communication Services
/// reports are read by their documented data fields: email delivery <c>messageId</c>, <c>status</c>
/// (Delivered, Bounced, Suppressed, Failed, FilteredSpam, Quarantined), <c>deliveryStatusDetails.statusMessage</c>,
/// <c>deliveryAttemptTimestamp</c>; email engagement <c>messageId</c>, <c>engagement</c> (view, click),
/// <c>userActionTimestamp</c>; SMS delivery <c>messageId</c>, <c>deliveryStatus</c>, <c>deliveryStatusDetails</c>,
/// <c>receivedTimestamp</c>; SMS received <c>from</c>, <c>message</c>, <c>receivedTimestamp</c>. Recipient addresses in
/// the reports are never read. Other event types are acknowledged and ignored.
/// </summary>
public static class EventGridParser
{
    public const string ValidationEvent = "Microsoft.EventGrid.SubscriptionValidationEvent";
    public const string EmailDelivery = "Microsoft.Communication.EmailDeliveryReportReceived";
    public const string EmailEngagement = "Microsoft.Communication.EmailEngagementTrackingReportReceived";
    public const string SmsDelivery = "Microsoft.Communication.SMSDeliveryReportReceived";
    public const string SmsReceived = "Microsoft.Communication.SMSReceived";

    /// <summary>Parses a delivery; <paramref name="receivedAt"/> stands in for a CloudEvent without <c>time</c>.</summary>
    public static Validated<EventGridBatch> Parse(JsonElement body, DateTimeOffset receivedAt)
    {
        var errors = new List<FieldError>();
        var reports = ImmutableArray.CreateBuilder<FeedbackReport>();
        string? validation = null;
        if (body.ValueKind == JsonValueKind.Object)
        {
            Event(body, "", receivedAt, errors, reports, ref validation);
        }
        else if (body.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in body.EnumerateArray())
            {
                Event(item, $"/{i++}", receivedAt, errors, reports, ref validation);
            }
            if (i == 0)
            {
                errors.Add(new FieldError("", "must hold at least one event"));
            }
        }
        else
        {
            errors.Add(new FieldError("", "must be an array of Event Grid events or a CloudEvent"));
        }
        return errors.Count > 0 ? Validated<EventGridBatch>.Fail(errors) : Validated<EventGridBatch>.Ok(new EventGridBatch(validation, reports.ToImmutable()));
    }

    private static void Event(JsonElement e, string at, DateTimeOffset receivedAt, List<FieldError> errors, ImmutableArray<FeedbackReport>.Builder reports, ref string? validation)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(at, "must be an event object"));
            return;
        }
        var before = errors.Count;
        var cloud = e.TryGetProperty("specversion", out _);
        var id = Text(e, "id", at, errors, required: true);
        var type = Text(e, cloud ? "type" : "eventType", at, errors, required: true);
        var time = Time(e, cloud ? "time" : "eventTime", at, errors, required: !cloud) ?? receivedAt;
        if (!e.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            if (type is ValidationEvent or EmailDelivery or EmailEngagement or SmsDelivery or SmsReceived)
            {
                errors.Add(new FieldError(at + "/data", "is required and must be an object"));
            }
            if (errors.Count == before)
            {
                reports.Add(new IgnoredReport(id!, type!, time));
            }
            return;
        }
        var d = at + "/data";
        switch (type)
        {
            case ValidationEvent:
                validation = Text(data, "validationCode", d, errors, required: true);
                return;
            case EmailDelivery:
            {
                var messageId = Text(data, "messageId", d, errors, required: true);
                var status = Text(data, "status", d, errors, required: true);
                var when = Time(data, "deliveryAttemptTimestamp", d, errors, required: false) ?? time;
                var detail = data.TryGetProperty("deliveryStatusDetails", out var details) && details.ValueKind == JsonValueKind.Object
                    && details.TryGetProperty("statusMessage", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
                if (errors.Count == before)
                {
                    reports.Add(new DeliveryReport(id!, type, when, Channel.Email, messageId!, EmailKind(status!), status!, detail));
                }
                return;
            }
            case EmailEngagement:
            {
                var messageId = Text(data, "messageId", d, errors, required: true);
                var engagement = Text(data, "engagement", d, errors, required: true);
                var when = Time(data, "userActionTimestamp", d, errors, required: false) ?? time;
                EngagementKind? kind = engagement?.ToUpperInvariant() switch { "VIEW" => EngagementKind.Opened, "CLICK" => EngagementKind.Clicked, _ => null };
                if (engagement is not null && kind is null)
                {
                    errors.Add(new FieldError(d + "/engagement", "must be view or click"));
                }
                if (errors.Count == before)
                {
                    reports.Add(new EngagementReport(id!, type, when, Channel.Email, messageId!, kind!.Value));
                }
                return;
            }
            case SmsDelivery:
            {
                var messageId = Text(data, "messageId", d, errors, required: true);
                var status = Text(data, "deliveryStatus", d, errors, required: true);
                var detail = Text(data, "deliveryStatusDetails", d, errors, required: false);
                var when = Time(data, "receivedTimestamp", d, errors, required: false) ?? time;
                if (errors.Count == before)
                {
                    var kind = string.Equals(status, "Delivered", StringComparison.OrdinalIgnoreCase) ? EngagementKind.Delivered : EngagementKind.Failed;
                    reports.Add(new DeliveryReport(id!, type, when, Channel.Sms, messageId!, kind, status!, detail));
                }
                return;
            }
            case SmsReceived:
            {
                var from = Text(data, "from", d, errors, required: true);
                var message = Text(data, "message", d, errors, required: true, maxLength: 2048);
                var when = Time(data, "receivedTimestamp", d, errors, required: false) ?? time;
                if (errors.Count == before)
                {
                    reports.Add(new InboundSms(id!, type, when, from!, message!));
                }
                return;
            }
            default:
                if (errors.Count == before)
                {
                    reports.Add(new IgnoredReport(id!, type!, time));
                }
                return;
        }
    }

    /// <summary>Bounced (a hard bounce) and Suppressed (on the provider's suppression list) make the address unusable;
    /// anything else but Delivered is a failure that leaves it usable.</summary>
    public static EngagementKind EmailKind(string status) => status.ToUpperInvariant() switch
    {
        "DELIVERED" => EngagementKind.Delivered,
        "BOUNCED" or "SUPPRESSED" => EngagementKind.Bounced,
        _ => EngagementKind.Failed,
    };

    private static string? Text(JsonElement o, string name, string at, List<FieldError> errors, bool required, int maxLength = 200)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new FieldError($"{at}/{name}", "is required"));
            }
            return null;
        }
        if (v.ValueKind != JsonValueKind.String || v.GetString()!.Trim() is not { Length: > 0 } s)
        {
            errors.Add(new FieldError($"{at}/{name}", "must be a non-empty string"));
            return null;
        }
        if (s.Length > maxLength)
        {
            errors.Add(new FieldError($"{at}/{name}", $"must be at most {maxLength} characters"));
            return null;
        }
        return s;
    }

    private static DateTimeOffset? Time(JsonElement o, string name, string at, List<FieldError> errors, bool required)
    {
        var s = Text(o, name, at, errors, required);
        if (s is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        errors.Add(new FieldError($"{at}/{name}", "must be an ISO-8601 timestamp"));
        return null;
    }
}
