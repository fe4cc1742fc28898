using System.Collections.Immutable;
using System.Text.Json;

namespace Lodestar.Engagement;

/// <summary>What a customer did with a message, as the feedback loop records it.</summary>
public enum EngagementKind
{
    Delivered = 0,
    /// <summary>A hard bounce, a suppressed address or an invalid number: the contact point is unusable.</summary>
    Bounced = 1,
    /// <summary>A soft failure (spam filter, quarantine, carrier failure): the contact point stays usable.</summary>
    Failed = 2,
    Opened = 3,
    Clicked = 4,
    Unsubscribed = 5,
}

/// <summary>
/// The engagement events the feedback loop ingests: ordinary track events named "Message Delivered", "Message Bounced",
/// "Message Failed", "Message Opened", "Message Clicked" and "Unsubscribed", with the properties <c>messageId</c> (ours),
/// <c>channel</c>, <c>campaign</c>, <c>journey</c>, <c>node</c> and, when known, <c>branch</c>. Journeys wait for them by
/// name (e.g. "no Message Opened within 48 h → SMS"); a "Message Bounced" with <c>hard: true</c> marks the channel's
/// contact point unusable on the profile.
/// </summary>
public static class EngagementEvents
{
    public const string Delivered = "Message Delivered";
    public const string Bounced = "Message Bounced";
    public const string Failed = "Message Failed";
    public const string Opened = "Message Opened";
    public const string Clicked = "Message Clicked";
    public const string Unsubscribed = "Unsubscribed";

    /// <summary>The source name the events carry.</summary>
    public const string Source = "feedback";

    public static readonly ImmutableArray<string> Names = [Delivered, Bounced, Failed, Opened, Clicked, Unsubscribed];

    public static string NameOf(EngagementKind kind) => kind switch
    {
        EngagementKind.Delivered => Delivered,
        EngagementKind.Bounced => Bounced,
        EngagementKind.Failed => Failed,
        EngagementKind.Opened => Opened,
        EngagementKind.Clicked => Clicked,
        EngagementKind.Unsubscribed => Unsubscribed,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown engagement kind"),
    };

    /// <summary>
    /// Reads a hard bounce: a "Message Bounced" event with <c>hard: true</c> and a channel name. The profile fold uses it
    /// to mark the channel's contact point unusable.
    /// </summary>
    public static bool TryReadHardBounce(string? name, ImmutableSortedDictionary<string, JsonElement> properties, out string channel)
    {
        channel = "";
        if (!string.Equals(name, Bounced, StringComparison.OrdinalIgnoreCase)
            || !properties.TryGetValue("hard", out var hard) || hard.ValueKind != JsonValueKind.True
            || !properties.TryGetValue("channel", out var ch) || ch.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        channel = ch.GetString()!;
        return channel.Length > 0;
    }
}
