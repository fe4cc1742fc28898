using System.Collections.Immutable;

namespace Lodestar.Journeys;

/// <summary>
/// When in the day a customer is active: event counts per local hour (0–23). Built from event timestamps in the
/// customer's zone; send-time optimisation reads its smoothed shares.
/// </summary>
public sealed record ActivityHistogram
{
    private ActivityHistogram(ImmutableArray<double> counts)
    {
        Counts = counts;
        var total = 0.0;
        foreach (var c in counts)
        {
            total += c;
        }
        Total = total;
    }

    /// <summary>24 counts, index = local hour.</summary>
    public ImmutableArray<double> Counts { get; }

    public double Total { get; }

    public static ActivityHistogram Empty { get; } = new([.. new double[24]]);

    /// <summary>
    /// A typical shopper's day (the fallback for customers with little history until a tenant or segment histogram is
    /// supplied): quiet at night, a lunch bump, the peak in the evening.
    /// </summary>
    public static ActivityHistogram TypicalShopper { get; } = new(
        [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4.5, 5, 6, 5, 4.5, 4.5, 5, 5.5, 6.5, 8, 9, 8.5, 6, 3]);

    public static ActivityHistogram FromCounts(IReadOnlyList<double> counts)
    {
        if (counts.Count != 24 || counts.Any(c => c < 0 || !double.IsFinite(c)))
        {
            throw new ArgumentException("an activity histogram has 24 non-negative counts", nameof(counts));
        }
        return new ActivityHistogram([.. counts]);
    }

    /// <summary>Counts the local hour of each timestamp in <paramref name="zone"/>.</summary>
    public static ActivityHistogram FromTimestamps(IEnumerable<DateTimeOffset> timestamps, TimeZoneInfo zone)
    {
        var counts = new double[24];
        foreach (var t in timestamps)
        {
            counts[TimeZoneInfo.ConvertTime(t, zone).Hour]++;
        }
        return new ActivityHistogram([.. counts]);
    }

    /// <summary>Adds another histogram's counts (a segment's histogram is the sum of its customers').</summary>
    public ActivityHistogram Add(ActivityHistogram other) => new([.. Counts.Zip(other.Counts, (a, b) => a + b)]);

    /// <summary>
    /// The share of activity in each hour, smoothed additively towards <paramref name="fallback"/>'s shape with
    /// <paramref name="pseudoCounts"/> pseudo-events: share(h) = (count(h) + k·fallback(h)) / (total + k). A customer with
    /// a handful of events thus looks mostly like the fallback, one with hundreds like themselves; with an empty
    /// fallback the prior is uniform (Laplace smoothing).
    /// </summary>
    public double Share(int hour, ActivityHistogram fallback, double pseudoCounts)
    {
        var prior = fallback.Total > 0 ? fallback.Counts[hour] / fallback.Total : 1.0 / 24;
        return (Counts[hour] + pseudoCounts * prior) / (Total + pseudoCounts);
    }
}
