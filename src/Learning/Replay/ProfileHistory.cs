using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Learning.Modelling;
using Lodestar.Profiles;

namespace Lodestar.Learning.Replay;

/// <summary>
/// A customer's profile at <see cref="At"/> and their counters one <see cref="Window"/> earlier. A profile holds sums
/// and a few instants (first/last seen, first/last order, last cart), so one snapshot gives recency, tenure and
/// lifetime rates, but no trend: <see cref="Before"/> (from a second snapshot) gives what happened within the window.
/// It is <see cref="Counters.Zero"/> for a customer who had no event yet back then, and null when no earlier snapshot
/// was taken (trend features then read 0 and <c>trendKnown</c> is 0).
/// </summary>
public sealed record ProfileHistory(Profile Current, Counters? Before, DateTimeOffset At, TimeSpan Window)
{
    public CustomerId Id => Current.Id;

    public Counters Now => Current.Counters;

    /// <summary>Pairs every profile of <paramref name="current"/> with its counters in <paramref name="before"/> (summed over the ids merged into it since).</summary>
    public static ImmutableArray<ProfileHistory> Of(ProfileSnapshot current, ProfileSnapshot? before)
    {
        var window = before is null ? TimeSpan.Zero : current.At - before.At;
        Dictionary<CustomerId, Counters>? earlier = null;
        if (before is not null)
        {
            earlier = [];
            foreach (var (id, profile) in before.Profiles)
            {
                var survivor = current.Resolve(id);
                earlier[survivor] = earlier.TryGetValue(survivor, out var sum) ? sum + profile.Counters : profile.Counters;
            }
        }
        return [.. current.Profiles.Values.OrderBy(p => p.Id.Value, StringComparer.Ordinal)
            .Select(p => new ProfileHistory(p, earlier is null ? null : earlier.GetValueOrDefault(p.Id, Counters.Zero), current.At, window))];
    }
}

/// <summary>A named, declarative list of features over <see cref="ProfileHistory"/>: the space and the vector come from one list.</summary>
public sealed class ProfileFeatureSet
{
    private readonly ImmutableArray<(Feature Feature, Func<ProfileHistory, double> Value)> _features;

    public ProfileFeatureSet(IEnumerable<(Feature Feature, Func<ProfileHistory, double> Value)> features)
    {
        _features = [.. features];
        Space = new FeatureSpace(_features.Select(f => f.Feature));
    }

    public FeatureSpace Space { get; }

    /// <summary>The vector; a value that is not finite (it should not happen) is written as 0.</summary>
    public ImmutableArray<float> Vector(ProfileHistory h) =>
        [.. _features.Select(f => f.Value(h) is var v && double.IsFinite(v) ? (float)v : 0f)];

    public FeatureRow Row(ProfileHistory h) => new(h.Id.Value, Vector(h));

    // Shared definitions. Money in major units; counts and money log1p-scaled (heavy tails), days as they are.

    internal static double Days(TimeSpan t) => Math.Max(0, t.TotalDays);

    internal static double Log(double x) => Math.Log(1 + Math.Max(0, x));

    internal static double Tenure(ProfileHistory h) => Days(h.At - h.Current.FirstSeen);

    /// <summary>Days since the last order; a customer who never ordered counts from their first visit.</summary>
    internal static double DaysSinceLastOrder(ProfileHistory h) => Days(h.At - (h.Now.LastOrderAt ?? h.Current.FirstSeen));

    /// <summary>Mean days between orders from the first and last order dates; tenure when fewer than two orders.</summary>
    internal static double MeanOrderGap(ProfileHistory h) =>
        h.Now is { Orders: >= 2, FirstOrderAt: { } first, LastOrderAt: { } last } ? Math.Max(1, Days(last - first) / (h.Now.Orders - 1)) : Math.Max(1, Tenure(h));

    /// <summary>Counts within the window (current minus before); 0 when the trend is unknown.</summary>
    internal static double Recent(ProfileHistory h, Func<Counters, long> count) => h.Before is null ? 0 : Math.Max(0, count(h.Now) - count(h.Before));

    /// <summary>
    /// What happened in the window against what the customer did per window before it: recent − (earlier count ×
    /// window / earlier tenure, earlier tenure at least one window). Positive: rising; negative: falling.
    /// </summary>
    internal static double Trend(ProfileHistory h, Func<Counters, long> count)
    {
        if (h.Before is null || h.Window <= TimeSpan.Zero)
        {
            return 0;
        }
        var earlierTenure = Math.Max(h.Window.TotalDays, Days(h.At - h.Window - h.Current.FirstSeen));
        return Recent(h, count) - count(h.Before) * h.Window.TotalDays / earlierTenure;
    }

    internal static double Share(long part, long whole) => whole == 0 ? 0 : (double)part / whole;
}
