using System.Collections.Frozen;
using Lodestar.Profiles;
using Lodestar.Tags;

namespace Lodestar.Scoring;

/// <summary>
/// A profile as segment rules see it at an instant: the <see cref="ProfileMetrics"/> catalogue, combined with the
/// scoring metrics of <see cref="ScoringMetrics"/>, its tags, and counts of its recent events.
/// </summary>
public sealed class ProfileRuleSubject(Profile profile, DateTimeOffset now) : IRuleSubject
{
    public MetricValue Metric(string name) =>
        ScoringMetrics.TryEvaluate(name, profile, now, out var value) ? value : ProfileMetrics.Evaluate(name, profile, now);

    public string? Tag(string name) => profile.Tags.TryGetValue(name, out var tag) ? tag.Value : null;

    /// <summary>
    /// Events named <paramref name="name"/> (or of that type, e.g. "order") in <c>(now - days, now]</c>, counted in the
    /// profile's recent events. The profile keeps only the latest <see cref="Profile.RecentEventCount"/>, so the count
    /// is known only when those reach back past the window's start (or are all the customer's events); otherwise it is
    /// none, and a condition on it does not hold. Lifetime totals are in the counters (metrics such as <c>orders</c>).
    /// </summary>
    public MetricValue EventCount(string name, int withinDays)
    {
        var start = now.AddDays(-withinDays);
        var recent = profile.RecentEvents;
        var complete = recent.Length < Profile.RecentEventCount || profile.Counters.Events <= recent.Length
            || recent[^1].Timestamp <= start;
        if (!complete)
        {
            return MetricValue.None;
        }
        var count = 0;
        foreach (var e in recent)
        {
            if (e.Timestamp > start && e.Timestamp <= now
                && (string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(e.Type, name, StringComparison.OrdinalIgnoreCase)))
            {
                count++;
            }
        }
        return count;
    }
}

/// <summary>
/// Metrics the scoring runs add to <see cref="ProfileMetrics"/> for segment rules: the RFM scores, segment and tier
/// the runs wrote as tags, CLV and churn score when those runs wrote them, and a few counters and dates the tag
/// catalogue does not name. A separate catalogue, combined with the tag one in <see cref="Vocabulary"/>.
/// </summary>
public static class ScoringMetrics
{
    private static readonly FrozenDictionary<string, (MetricKind Kind, Func<Profile, DateTimeOffset, MetricValue> Evaluate)> Catalogue =
        new Dictionary<string, (MetricKind, Func<Profile, DateTimeOffset, MetricValue>)>(StringComparer.Ordinal)
        {
            ["recencyScore"] = (MetricKind.Number, (p, _) => ScoringTags.Score(p) is { } s ? s.Recency : MetricValue.None),
            ["frequencyScore"] = (MetricKind.Number, (p, _) => ScoringTags.Score(p) is { } s ? s.Frequency : MetricValue.None),
            ["monetaryScore"] = (MetricKind.Number, (p, _) => ScoringTags.Score(p) is { } s ? s.Monetary : MetricValue.None),
            ["rfmSegment"] = (MetricKind.Text, (p, _) => TagText(p, ScoringTags.RfmSegment)),
            ["tier"] = (MetricKind.Text, (p, _) => TagText(p, ScoringTags.Tier)),
            ["clv"] = (MetricKind.Number, (p, _) => ScoringTags.Number(p, ScoringTags.Clv) is { } x ? x : MetricValue.None),
            ["churnScore"] = (MetricKind.Number, (p, _) => ScoringTags.Number(p, ScoringTags.ChurnScore) is { } x ? x : MetricValue.None),
            ["daysSinceFirstOrder"] = (MetricKind.Number, (p, now) => p.Counters.FirstOrderAt is { } o ? (now - o).TotalDays : MetricValue.None),
            ["daysSinceLastCart"] = (MetricKind.Number, (p, now) => p.Counters.LastCartAt is { } c ? (now - c).TotalDays : MetricValue.None),
            ["cancellations"] = (MetricKind.Number, (p, _) => p.Counters.Cancellations),
            ["refunds"] = (MetricKind.Number, (p, _) => p.Counters.RefundMinor / 100.0),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The text metrics of the tag catalogue; every other metric there is a number.</summary>
    private static readonly string[] TextProfileMetrics = ["gender", "region", "topCategory"];

    /// <summary>What segment rules may name: both catalogues, tags and recent-event counts.</summary>
    public static RuleVocabulary Vocabulary { get; } = BuildVocabulary();

    private static RuleVocabulary BuildVocabulary()
    {
        var metrics = ProfileMetrics.Names.ToDictionary(n => n, n => TextProfileMetrics.Contains(n) ? MetricKind.Text : MetricKind.Number, StringComparer.Ordinal);
        foreach (var (name, metric) in Catalogue)
        {
            metrics[name] = metric.Kind; // the scoring catalogue answers first (ProfileRuleSubject.Metric)
        }
        return new RuleVocabulary(metrics, tags: true, events: true);
    }

    public static IEnumerable<string> Names => Catalogue.Keys;

    public static bool TryEvaluate(string name, Profile profile, DateTimeOffset now, out MetricValue value)
    {
        if (Catalogue.TryGetValue(name, out var metric))
        {
            value = metric.Evaluate(profile, now);
            return true;
        }
        value = MetricValue.None;
        return false;
    }

    private static MetricValue TagText(Profile p, string tag) => p.Tags.TryGetValue(tag, out var t) ? new MetricValue(null, t.Value) : MetricValue.None;
}
