using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Validation;

namespace Lodestar.Sources;

/// <summary>
/// Segment's HTTP tracking API (track, identify, page, screen, alias, batch) with Segment's field names, so existing web
/// and app SDKs work unchanged. Clock skew is corrected as Segment does: timestamp + (receivedAt − sentAt).
/// </summary>
public static class SegmentParser
{
    public const string DefaultSource = "web";

    public static Validated<RawEvent> ParseCall(JsonElement body, EventType type, SourceContext ctx) =>
        ParseItem(body, "", type, ctx, batchContext: null, batchSentAt: null);

    /// <summary>Each item of a batch on its own: the valid ones can be accepted while the others are listed.</summary>
    public static Validated<IReadOnlyList<Validated<RawEvent>>> ParseBatch(JsonElement body, SourceContext ctx)
    {
        var errors = new List<FieldError>();
        var root = new JsonFields(body, "", errors);
        if (!root.IsObject)
        {
            return Validated<IReadOnlyList<Validated<RawEvent>>>.Fail([new FieldError("", "must be a JSON object with a 'batch' array")]);
        }
        var sentAt = root.Timestamp("sentAt", ctx.TenantOffset, out _);
        var context = body.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? c : (JsonElement?)null;
        if (!body.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError("/batch", "is required and must be an array"));
        }
        else if (batch.GetArrayLength() is 0 or > 10_000)
        {
            errors.Add(new FieldError("/batch", "must hold between 1 and 10,000 items"));
        }
        if (errors.Count > 0)
        {
            return Validated<IReadOnlyList<Validated<RawEvent>>>.Fail(errors);
        }
        var items = new List<Validated<RawEvent>>();
        var i = 0;
        foreach (var item in batch.EnumerateArray())
        {
            var at = $"/batch/{i++}";
            var type = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? TypeOf(t.GetString()!) : null;
            items.Add(type is null
                ? Validated<RawEvent>.Fail([new FieldError($"{at}/type", "must be one of track, identify, page, screen, alias")])
                : ParseItem(item, at, type.Value, ctx, context, sentAt));
        }
        return Validated<IReadOnlyList<Validated<RawEvent>>>.Ok(items);
    }

    public static EventType? TypeOf(string name) => name switch
    {
        "track" => EventType.Track,
        "identify" => EventType.Identify,
        "page" => EventType.Page,
        "screen" => EventType.Screen,
        "alias" => EventType.Alias,
        _ => null,
    };

    private static Validated<RawEvent> ParseItem(JsonElement item, string at, EventType type, SourceContext ctx, JsonElement? batchContext, DateTimeOffset? batchSentAt)
    {
        var errors = new List<FieldError>();
        var f = new JsonFields(item, at, errors);
        if (!f.IsObject)
        {
            return Validated<RawEvent>.Fail([new FieldError(at, "must be a JSON object")]);
        }
        var userId = f.String("userId");
        var anonymousId = f.String("anonymousId");
        string? name = null;
        RawIdentifier? previous = null;
        switch (type)
        {
            case EventType.Track:
                name = f.String("event", required: true);
                break;
            case EventType.Page or EventType.Screen:
                name = f.String("name");
                break;
            case EventType.Alias:
                var previousId = f.String("previousId", required: true);
                previous = previousId is null ? null : new RawIdentifier(IdKindOf(previousId), Strip(previousId));
                if (userId is null)
                {
                    f.Fail("userId", "is required for alias");
                }
                break;
        }
        if (userId is null && anonymousId is null && type != EventType.Alias)
        {
            f.Fail("userId", "either userId or anonymousId is required");
        }
        var timestamp = f.Timestamp("timestamp", ctx.TenantOffset, out var offsetStated);
        var sentAt = f.Timestamp("sentAt", ctx.TenantOffset, out _) ?? batchSentAt;
        var properties = f.Object("properties");
        var traits = f.Object("traits");
        var context = f.Object("context");
        var messageId = f.String("messageId", maxLength: 100);
        if (errors.Count > 0)
        {
            return Validated<RawEvent>.Fail(errors);
        }

        var ids = ImmutableArray.CreateBuilder<RawIdentifier>();
        if (userId is not null)
        {
            ids.Add(new RawIdentifier(IdKindOf(userId), Strip(userId)));
        }
        if (anonymousId is not null)
        {
            ids.Add(new RawIdentifier(IdKind.Anonymous, anonymousId));
        }
        var contextTraits = context?.Object("traits")?.Texts() ?? ImmutableSortedDictionary<string, string>.Empty;
        var source = context is not null ? (context.Has("app") ? "app" : DefaultSource) : SourceOf(batchContext);
        var at2 = timestamp ?? ctx.ReceivedAt;
        if (timestamp is not null && sentAt is not null)
        {
            at2 = timestamp.Value + (ctx.ReceivedAt - sentAt.Value);
        }
        return Validated<RawEvent>.Ok(new RawEvent
        {
            MessageId = messageId ?? DerivedMessageId(item),
            Type = type,
            Name = name,
            Source = source,
            Ids = ids.ToImmutable(),
            Timestamp = at2,
            OffsetStated = offsetStated,
            Properties = (type == EventType.Identify ? ImmutableSortedDictionary<string, JsonElement>.Empty : properties?.Bag()) ?? ImmutableSortedDictionary<string, JsonElement>.Empty,
            Traits = contextTraits.SetItems(traits?.Texts() ?? ImmutableSortedDictionary<string, string>.Empty),
            PreviousId = previous,
        });
    }

    /// <summary>User ids may carry a kind prefix ("wx:openid", "union:…"); a bare id is a member id.</summary>
    private static IdKind IdKindOf(string id) => id switch
    {
        _ when id.StartsWith("wx:", StringComparison.Ordinal) => IdKind.OpenId,
        _ when id.StartsWith("union:", StringComparison.Ordinal) => IdKind.UnionId,
        _ when id.StartsWith("anon:", StringComparison.Ordinal) => IdKind.Anonymous,
        _ => IdKind.Member,
    };

    private static string Strip(string id) => id.IndexOf(':', StringComparison.Ordinal) is var i and > 0 && IdKindOf(id) != IdKind.Member ? id[(i + 1)..] : id;

    private static string SourceOf(JsonElement? context) =>
        context is { } c && c.TryGetProperty("app", out _) ? "app" : DefaultSource;

    /// <summary>Segment SDKs always send a messageId; for a client that does not, the body's hash makes retries idempotent.</summary>
    internal static string DerivedMessageId(JsonElement item)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(item.GetRawText()), hash);
        return "h-" + Convert.ToHexStringLower(hash[..16]);
    }
}
