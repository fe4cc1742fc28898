using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Profiles;
using Lodestar.Scoring;

namespace Lodestar.Jobs;

/// <summary>Customers in one tier now, and their share of all profiles.</summary>
public sealed record TierCount(string Name, int Customers, double Share);

/// <summary>Customers of one RFM segment now, and their spend net of refunds.</summary>
public sealed record RfmSegmentCount(string Name, int Customers, double Revenue);

/// <summary>A customer the churn model warns about: score, reason codes (strongest first) and the retention strategy.</summary>
public sealed record ChurnWarning(string CustomerId, double Score, ImmutableArray<string> Reasons, string? Strategy);

/// <summary>
/// What the runs left on the profiles, read back from their tags: tier shares, RFM segments (largest first) and the
/// customers with the highest churn score. Read from the store, so it shows the same thing whether the steps ran now
/// or in an earlier run of the period.
/// </summary>
public sealed record ScoringOverview(int Profiles, ImmutableArray<TierCount> Tiers, ImmutableArray<RfmSegmentCount> RfmSegments, ImmutableArray<ChurnWarning> ChurnRisks)
{
    /// <summary>One pass over the store; tiers in the order of <paramref name="tiers"/>' rules (the fallback last).</summary>
    public static async Task<ScoringOverview> ReadAsync(IProfileStore store, TierRuleSet tiers, int topRisks, CancellationToken cancellationToken)
    {
        var profiles = 0;
        var tierCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var segments = new Dictionary<string, (int Customers, double Revenue)>(StringComparer.Ordinal);
        var risks = new List<ChurnWarning>();
        await foreach (var p in store.ReadAllAsync(cancellationToken))
        {
            profiles++;
            if (p.Tags.TryGetValue(ScoringTags.Tier, out var tier))
            {
                tierCounts[tier.Value] = tierCounts.GetValueOrDefault(tier.Value) + 1;
            }
            if (p.Tags.TryGetValue(ScoringTags.RfmSegment, out var segment))
            {
                var (customers, revenue) = segments.GetValueOrDefault(segment.Value);
                segments[segment.Value] = (customers + 1, revenue + ((p.Counters.SpendMinor - p.Counters.RefundMinor) / 100.0));
            }
            if (p.Tags.TryGetValue(JobTags.ChurnScore, out var score) && double.TryParse(score.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
            {
                var reasons = p.Tags.TryGetValue(JobTags.ChurnReasons, out var r) ? r.Value.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
                risks.Add(new ChurnWarning(p.Id.Value, s, [.. reasons], p.Tags.TryGetValue(JobTags.RetentionStrategy, out var st) ? st.Value : null));
            }
        }
        var order = tiers.Names.ToList();
        var tierList = tierCounts.OrderBy(t => order.IndexOf(t.Key) is var i and >= 0 ? i : order.Count).ThenBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new TierCount(t.Key, t.Value, profiles == 0 ? 0 : (double)t.Value / profiles));
        var segmentList = segments.OrderByDescending(s => s.Value.Customers).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new RfmSegmentCount(s.Key, s.Value.Customers, Math.Round(s.Value.Revenue, 2)));
        var top = risks.OrderByDescending(r => r.Score).ThenBy(r => r.CustomerId, StringComparer.Ordinal).Take(topRisks);
        return new ScoringOverview(profiles, [.. tierList], [.. segmentList], [.. top]);
    }
}
