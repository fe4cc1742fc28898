using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Profiles;

namespace Lodestar.Journeys;

/// <summary>Local hours in which no marketing message goes out, e.g. 21:00–08:00 (wraps midnight).</summary>
public sealed record QuietHours(TimeOnly From, TimeOnly To)
{
    public static readonly QuietHours None = new(TimeOnly.MinValue, TimeOnly.MinValue);

    public bool IsEmpty => From == To;

    public bool Contains(TimeOnly t) => !IsEmpty && (From < To ? t >= From && t < To : t >= From || t < To);

    /// <summary>The first instant at or after <paramref name="at"/> outside quiet hours, in <paramref name="zone"/>.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        if (!Contains(TimeOnly.FromDateTime(local.DateTime)))
        {
            return at;
        }
        var day = local.Date;
        if (From > To && TimeOnly.FromDateTime(local.DateTime) >= From)
        {
            day = day.AddDays(1);
        }
        return LocalTime.At(DateOnly.FromDateTime(day), To, zone);
    }
}

/// <summary>
/// The tenant's throttling and timing rules. Pure data with product defaults; <see cref="SendPolicy"/> applies them.
/// Caps count marketing messages over rolling windows, per customer, across all journeys; a tier (the profile's
/// <see cref="TierTag"/> tag) may have caps of its own, which replace the default ones.
/// </summary>
public sealed record ThrottlePolicy
{
    /// <summary>At most 2 marketing messages a day and 5 a week on all channels, and 2 SMS a week.</summary>
    public ImmutableArray<CapRule> DefaultCaps { get; init; } =
        [new(2, TimeSpan.FromDays(1)), new(5, TimeSpan.FromDays(7)), new(2, TimeSpan.FromDays(7), Channel.Sms)];

    /// <summary>Caps by tier; the source documents' high-value customers get at most 3 marketing touches in 30 days.</summary>
    public ImmutableDictionary<string, ImmutableArray<CapRule>> TierCaps { get; init; } =
        ImmutableDictionary<string, ImmutableArray<CapRule>>.Empty.WithComparers(StringComparer.Ordinal)
            .Add("high_value", [new(3, TimeSpan.FromDays(30)), new(1, TimeSpan.FromDays(1))]);

    public string TierTag { get; init; } = "tier";

    public QuietHours QuietHours { get; init; } = new(new TimeOnly(21, 0), new TimeOnly(8, 0));

    /// <summary>A send held back longer than this (quiet hours, best time, rate slots) is dropped with a reason.</summary>
    public TimeSpan MaxDeferral { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Where the customer's zone is unknown (no <c>timezone</c> trait, no region), the tenant's zone.</summary>
    public TimeZoneInfo TenantZone { get; init; } = LocalTime.FixedOffset(TimeSpan.FromHours(8));

    /// <summary>
    /// Region code (GB/T 2260) prefixes to zone ids or offsets, longest prefix first wins. Mainland China keeps one
    /// civil time, so the default is empty and the tenant zone applies; a tenant abroad adds its regions.
    /// </summary>
    public ImmutableDictionary<string, string> RegionZones { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Messages per second each channel's provider accepts.</summary>
    public ImmutableDictionary<Channel, double> SendRatePerSecond { get; init; } = ImmutableDictionary<Channel, double>.Empty
        .Add(Channel.Sms, 100).Add(Channel.Email, 200).Add(Channel.Push, 500).Add(Channel.MiniProgram, 200);

    /// <summary>The activity shape for customers with little history (a tenant or segment histogram when known).</summary>
    public ActivityHistogram FallbackActivity { get; init; } = ActivityHistogram.TypicalShopper;

    /// <summary>Pseudo-events of the fallback shape added to a customer's own counts (additive smoothing).</summary>
    public double ActivitySmoothing { get; init; } = 20;

    public static ThrottlePolicy Default { get; } = new();

    /// <summary>The caps for a customer: their tier's when it has some, else the defaults.</summary>
    public ImmutableArray<CapRule> CapsFor(Profile profile) =>
        profile.Tags.TryGetValue(TierTag, out var tier) && TierCaps.TryGetValue(tier.Value, out var caps) ? caps : DefaultCaps;
}

/// <summary>A message the customer was sent (or is due to be sent), as the driver's send log records it.</summary>
public sealed record SentMessage(DateTimeOffset At, Channel Channel, bool Transactional, string JourneyId, string Campaign, string? Offer);

/// <summary>
/// What the driver tells the policy with each decision: the tenant's rules, this customer's recent messages (every
/// journey's, at least as far back as the longest cap window) and offers, their activity histogram when known, and each
/// channel's next free rate-limit slot.
/// </summary>
public sealed record PolicyContext
{
    public ThrottlePolicy Policy { get; init; } = ThrottlePolicy.Default;

    public ImmutableArray<SentMessage> History { get; init; } = [];

    /// <summary>The customer's own hourly activity, or null when not known (the fallback shape applies).</summary>
    public ActivityHistogram? Activity { get; init; }

    /// <summary>The earliest instant each channel can take another message; absent = free now.</summary>
    public ImmutableDictionary<Channel, DateTimeOffset> NextFreeSlot { get; init; } = ImmutableDictionary<Channel, DateTimeOffset>.Empty;

    public static PolicyContext Default { get; } = new();
}

/// <summary>Local-time arithmetic in a customer's zone, and the zone itself.</summary>
public static class LocalTime
{
    private static readonly FrozenDictionary<int, TimeZoneInfo> Offsets = Enumerable.Range(-14 * 4, 28 * 4 + 1)
        .ToFrozenDictionary(q => q, q => TimeZoneInfo.CreateCustomTimeZone(Label(TimeSpan.FromMinutes(q * 15)), TimeSpan.FromMinutes(q * 15), Label(TimeSpan.FromMinutes(q * 15)), Label(TimeSpan.FromMinutes(q * 15))));

    /// <summary>A zone of a fixed offset (quarter hours from −14:00 to +14:00).</summary>
    public static TimeZoneInfo FixedOffset(TimeSpan offset) =>
        Offsets.TryGetValue((int)(offset.Ticks / TimeSpan.FromMinutes(15).Ticks), out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>
    /// The customer's zone: the profile's <c>timezone</c> trait (an IANA id such as Asia/Shanghai, or an offset such as
    /// +08:00), else their region's zone from the policy, else the tenant's zone.
    /// </summary>
    public static TimeZoneInfo ZoneOf(Profile profile, ThrottlePolicy policy)
    {
        if (profile.Traits.TryGetValue("timezone", out var tz) && TryZone(tz, out var zone))
        {
            return zone;
        }
        if (!policy.RegionZones.IsEmpty && (profile.Traits.GetValueOrDefault("region") ?? profile.Traits.GetValueOrDefault("province")) is { } region)
        {
            for (var len = region.Length; len > 0; len--)
            {
                if (policy.RegionZones.TryGetValue(region[..len], out var id) && TryZone(id, out zone))
                {
                    return zone;
                }
            }
        }
        return policy.TenantZone;
    }

    public static bool TryZone(string text, out TimeZoneInfo zone)
    {
        if (text.Length == 6 && text[0] is '+' or '-' && TimeSpan.TryParseExact(text[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var off))
        {
            zone = FixedOffset(text[0] == '-' ? -off : off);
            return true;
        }
        if (text is "UTC" or "Z")
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }
        return TimeZoneInfo.TryFindSystemTimeZoneById(text, out zone!);
    }

    /// <summary>The instant of a local date and time in a zone; a time skipped by a DST jump moves forward by the gap.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static string Label(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
