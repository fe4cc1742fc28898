using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Journeys;
using Lodestar.Validation;

namespace Lodestar.Engagement;

/// <summary>
/// Reads the push and mini-program delivery callbacks (the gateway in front of Notification Hubs or the subscribe
/// message service posts them): one object or an array of
/// <c>{id?, messageId, channel: push|miniprogram, status: delivered|failed|refused|invalid|opened|clicked, timestamp?}</c>.
/// <c>messageId</c> is ours or the provider's; <c>invalid</c> (no such device or openid) is a hard bounce, <c>refused</c>
/// (the user declined the subscription) a failure. Without an <c>id</c>, one is derived from the other fields, so a
/// resent callback stays a duplicate.
/// </summary>
public static class CallbackParser
{
    public const string EventType = "Lodestar.DeliveryCallback";

    public static Validated<ImmutableArray<FeedbackReport>> Parse(JsonElement body, DateTimeOffset receivedAt)
    {
        var errors = new List<FieldError>();
        var reports = ImmutableArray.CreateBuilder<FeedbackReport>();
        if (body.ValueKind == JsonValueKind.Object)
        {
            One(body, "", receivedAt, errors, reports);
        }
        else if (body.ValueKind == JsonValueKind.Array && body.GetArrayLength() > 0)
        {
            var i = 0;
            foreach (var item in body.EnumerateArray())
            {
                One(item, $"/{i++}", receivedAt, errors, reports);
            }
        }
        else
        {
            errors.Add(new FieldError("", "must be a callback object or a non-empty array of them"));
        }
        return errors.Count > 0 ? Validated<ImmutableArray<FeedbackReport>>.Fail(errors) : Validated<ImmutableArray<FeedbackReport>>.Ok(reports.ToImmutable());
    }

    private static void One(JsonElement e, string at, DateTimeOffset receivedAt, List<FieldError> errors, ImmutableArray<FeedbackReport>.Builder reports)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(at, "must be an object"));
            return;
        }
        var before = errors.Count;
        var messageId = Text(e, "messageId", at, errors, required: true);
        var channelName = Text(e, "channel", at, errors, required: true);
        var status = Text(e, "status", at, errors, required: true)?.ToLowerInvariant();
        var id = Text(e, "id", at, errors, required: false);
        var when = receivedAt;
        if (Text(e, "timestamp", at, errors, required: false) is { } ts)
        {
            if (DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            {
                when = t;
            }
            else
            {
                errors.Add(new FieldError(at + "/timestamp", "must be an ISO-8601 timestamp"));
            }
        }
        var channel = Channel.Push;
        if (channelName is not null && (!Channels.TryParse(channelName, out channel) || channel is not (Channel.Push or Channel.MiniProgram)))
        {
            errors.Add(new FieldError(at + "/channel", "must be push or miniprogram"));
        }
        if (status is not null && status is not ("delivered" or "failed" or "refused" or "invalid" or "opened" or "clicked"))
        {
            errors.Add(new FieldError(at + "/status", "must be delivered, failed, refused, invalid, opened or clicked"));
        }
        if (errors.Count > before)
        {
            return;
        }
        id ??= "cb-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{messageId}|{channelName}|{status}|{when:O}")))[..32];
        reports.Add(status switch
        {
            "opened" => new EngagementReport(id, EventType, when, channel, messageId!, EngagementKind.Opened),
            "clicked" => new EngagementReport(id, EventType, when, channel, messageId!, EngagementKind.Clicked),
            "delivered" => new DeliveryReport(id, EventType, when, channel, messageId!, EngagementKind.Delivered, status, null),
            "invalid" => new DeliveryReport(id, EventType, when, channel, messageId!, EngagementKind.Bounced, status, null),
            _ => new DeliveryReport(id, EventType, when, channel, messageId!, EngagementKind.Failed, status!, null),
        });
    }

    private static string? Text(JsonElement o, string name, string at, List<FieldError> errors, bool required)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new FieldError($"{at}/{name}", "is required"));
            }
            return null;
        }
        if (v.ValueKind != JsonValueKind.String || v.GetString()!.Trim() is not { Length: > 0 and <= 200 } s)
        {
            errors.Add(new FieldError($"{at}/{name}", "must be a non-empty string of at most 200 characters"));
            return null;
        }
        return s;
    }
}
