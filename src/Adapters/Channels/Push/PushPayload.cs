using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lodestar.Messaging.Push;

/// <summary>The request body of a push send in each <see cref="PushFormat"/>, and the format header's value.</summary>
internal static class PushPayload
{
    public static string FormatHeader(PushFormat format) => format switch
    {
        PushFormat.Template => "template",
        PushFormat.FcmV1 => "FcmV1",
        PushFormat.Apple => "apple",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static byte[] Body(PushFormat format, OutboundMessage message)
    {
        var content = message.Content;
        var data = new JsonObject { ["messageId"] = message.MessageId };
        foreach (var (key, value) in content.Data ?? new Dictionary<string, string>())
        {
            data[key] = value;
        }
        JsonObject body = format switch
        {
            PushFormat.Template => Template(content, data),
            PushFormat.FcmV1 => new JsonObject
            {
                ["message"] = new JsonObject
                {
                    ["notification"] = Alert(content),
                    ["android"] = new JsonObject { ["data"] = data },
                },
            },
            PushFormat.Apple => Apple(content, data),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    private static JsonObject Alert(MessageContent content)
    {
        var alert = new JsonObject();
        if (!string.IsNullOrEmpty(content.Title))
        {
            alert["title"] = content.Title;
        }
        alert["body"] = content.Text;
        return alert;
    }

    /// <summary>Template properties must all be strings: the installation's template picks the ones it names.</summary>
    private static JsonObject Template(MessageContent content, JsonObject data)
    {
        var body = Alert(content);
        foreach (var (key, value) in data.ToList())
        {
            data.Remove(key);
            body.TryAdd(key, value);
        }
        return body;
    }

    private static JsonObject Apple(MessageContent content, JsonObject data)
    {
        var body = new JsonObject { ["aps"] = new JsonObject { ["alert"] = Alert(content) } };
        foreach (var (key, value) in data.ToList())
        {
            data.Remove(key);
            body.TryAdd(key, value);
        }
        return body;
    }
}
