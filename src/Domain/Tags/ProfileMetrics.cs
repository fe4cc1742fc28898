using System.Collections.Frozen;
using System.Globalization;
using Lodestar.Profiles;

namespace Lodestar.Tags;

/// <summary>A metric's value: a number, a text, or absent when the profile does not have it yet (cold start).</summary>
public readonly record struct MetricValue(double? Number, string? Text)
{
    public static readonly MetricValue None = default;

    public bool IsPresent => Number is not null || Text is not null;

    public static implicit operator MetricValue(double n) => new(n, null);
}

/// <summary>The catalogue of named profile metrics that tag and segment rules may refer to.</summary>
public static class ProfileMetrics
{
    private static readonly FrozenDictionary<string, Func<Profile, DateTimeOffset, MetricValue>> Catalogue =
        new Dictionary<string, Func<Profile, DateTimeOffset, MetricValue>>(StringComparer.Ordinal)
        {
            // basic
            ["age"] = (p, now) => Age(p, now),
            ["gender"] = (p, _) => Text(p.Traits.GetValueOrDefault("gender")?.ToLowerInvariant()),
            ["region"] = (p, _) => Text(p.Traits.GetValueOrDefault("region") ?? p.Traits.GetValueOrDefault("province")),
            // behaviour
            ["events"] = (p, _) => p.Counters.Events,
            ["pageViews"] = (p, _) => p.Counters.PageViews,
            ["sessions"] = (p, _) => p.Counters.Sessions,
            ["avgDwellSeconds"] = (p, _) => p.Counters.PageViews == 0 ? MetricValue.None : (double)p.Counters.DwellSeconds / p.Counters.PageViews,
            ["sessionsPerWeek"] = (p, now) => p.Counters.Sessions / Math.Max(1.0, (now - p.FirstSeen).TotalDays / 7),
            ["ordersPerMonth"] = (p, now) => p.Counters.Orders / Math.Max(1.0, (now - p.FirstSeen).TotalDays / 30),
            ["searches"] = (p, _) => p.Counters.Searches,
            ["cartAdds"] = (p, _) => p.Counters.CartAdds,
            ["cartAbandoned"] = (p, _) => p.Counters.LastCartAt is { } cart && (p.Counters.LastOrderAt is not { } order || order < cart) ? 1 : 0,
            ["daysSinceLastSeen"] = (p, now) => (now - p.LastSeen).TotalDays,
            ["daysSinceLastOrder"] = (p, now) => p.Counters.LastOrderAt is { } o ? (now - o).TotalDays : MetricValue.None,
            ["tenureDays"] = (p, now) => (now - p.FirstSeen).TotalDays,
            ["complaints"] = (p, _) => p.Counters.Complaints,
            ["serviceContacts"] = (p, _) => p.Counters.ServiceContacts,
            // preference
            ["topCategory"] = (p, _) => Text(p.Categories.IsEmpty ? null : p.Categories.MaxBy(kv => kv.Value).Key),
            ["discountShare"] = (p, _) => p.Counters.Orders == 0 ? MetricValue.None : (double)p.Counters.DiscountedOrders / p.Counters.Orders,
            ["cancellationRate"] = (p, _) => p.Counters.Orders == 0 ? MetricValue.None : (double)p.Counters.Cancellations / p.Counters.Orders,
            // value
            ["orders"] = (p, _) => p.Counters.Orders,
            ["spend"] = (p, _) => (p.Counters.SpendMinor - p.Counters.RefundMinor) / 100.0,
            ["aov"] = (p, _) => p.Counters.Orders == 0 ? MetricValue.None : p.Counters.SpendMinor / 100.0 / p.Counters.Orders,
            ["repurchase"] = (p, _) => p.Counters.Orders == 0 ? MetricValue.None : p.Counters.Orders > 1 ? 1 : 0,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Names => Catalogue.Keys;

    public static bool Exists(string name) => Catalogue.ContainsKey(name);

    public static MetricValue Evaluate(string name, Profile profile, DateTimeOffset now) =>
        Catalogue.TryGetValue(name, out var f) ? f(profile, now) : throw new KeyNotFoundException($"unknown metric '{name}'");

    private static MetricValue Text(string? s) => s is null ? MetricValue.None : new MetricValue(null, s);

    private static MetricValue Age(Profile p, DateTimeOffset now)
    {
        if (p.Traits.TryGetValue("age", out var a) && double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var age))
        {
            return age;
        }
        if (p.Traits.TryGetValue("birthday", out var b) && DateOnly.TryParse(b, CultureInfo.InvariantCulture, out var birthday))
        {
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var years = today.Year - birthday.Year - (today < birthday.AddYears(today.Year - birthday.Year) ? 1 : 0);
            return years;
        }
        return MetricValue.None;
    }
}
