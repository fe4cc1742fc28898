using System.Collections.Immutable;
using System.Text.Json;

namespace Lodestar.Profiles;

/// <summary>
/// Consent travels as an ordinary track event, so every grant and withdrawal is in the customer's history with its
/// time and source. Channels: sms, email, push, miniprogram; purposes: marketing, service.
/// </summary>
public static class ConsentEvent
{
    public const string Name = "Consent Updated";

    public static readonly ImmutableArray<string> Channels = ["sms", "email", "push", "miniprogram"];
    public static readonly ImmutableArray<string> Purposes = ["marketing", "service"];

    public static string Key(string purpose, string channel) => $"{purpose}.{channel}";

    public static bool TryRead(ImmutableSortedDictionary<string, JsonElement> properties, out string key, out bool granted)
    {
        key = "";
        granted = false;
        if (!properties.TryGetValue("channel", out var ch) || ch.ValueKind != JsonValueKind.String || !Channels.Contains(ch.GetString()!)
            || !properties.TryGetValue("granted", out var g) || g.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }
        var purpose = properties.TryGetValue("purpose", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "marketing";
        if (!Purposes.Contains(purpose))
        {
            return false;
        }
        key = Key(purpose, ch.GetString()!);
        granted = g.ValueKind == JsonValueKind.True;
        return true;
    }
}
