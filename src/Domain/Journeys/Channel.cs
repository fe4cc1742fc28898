using System.Collections.Immutable;

namespace Lodestar.Journeys;

/// <summary>The channels a journey sends on; their names are those of consent keys ("marketing.sms").</summary>
public enum Channel
{
    Sms = 0,
    Email = 1,
    Push = 2,
    MiniProgram = 3,
}

public static class Channels
{
    public static readonly ImmutableArray<Channel> All = [Channel.Sms, Channel.Email, Channel.Push, Channel.MiniProgram];

    private static readonly string[] Names = ["sms", "email", "push", "miniprogram"];

    /// <summary>"sms", "email", "push", "miniprogram": the consent and JSON name.</summary>
    public static string Name(this Channel channel) => Names[(int)channel];

    public static bool TryParse(string? name, out Channel channel)
    {
        var i = Array.IndexOf(Names, name);
        channel = (Channel)Math.Max(i, 0);
        return i >= 0;
    }

    public static string KnownNames => string.Join(", ", Names);

    private static readonly string[] MarketingKeys = [.. Names.Select(n => "marketing." + n)];
    private static readonly string[] ServiceKeys = [.. Names.Select(n => "service." + n)];

    /// <summary>The profile consent key for a purpose, without allocating: "marketing.sms", "service.email".</summary>
    public static string ConsentKey(this Channel channel, bool transactional) => (transactional ? ServiceKeys : MarketingKeys)[(int)channel];
}
