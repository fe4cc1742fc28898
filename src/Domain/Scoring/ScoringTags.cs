using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Profiles;

namespace Lodestar.Scoring;

/// <summary>
/// The tags the scoring runs write on profiles, and those they read from other runs. Segment membership is one tag
/// per segment, <c>segment:&lt;id&gt;</c> = "true", present while the customer is a member.
/// </summary>
public static class ScoringTags
{
    /// <summary>"R-F-M", e.g. "5-4-3" (<see cref="Scoring.RfmScore"/>).</summary>
    public const string RfmScore = "rfm_score";

    public const string RfmSegment = "rfm_segment";

    public const string Tier = "tier";

    public const string SegmentPrefix = "segment:";

    /// <summary>Read, not written here: the CLV run's predicted value, when it writes one (a number as text).</summary>
    public const string Clv = "clv";

    /// <summary>Read, not written here: the churn model's probability (0..1 as text), when it writes one.</summary>
    public const string ChurnScore = "churn_score";

    /// <summary>RFM scores and tiers belong to the value family of the source documents.</summary>
    public const string ValueFamily = "value";

    public const string SegmentFamily = "segment";

    public static string SegmentTag(string segmentId) => SegmentPrefix + segmentId;

    /// <summary>
    /// Sets (or, for a null value, removes) one tag, keeping the instance when nothing changes: an unchanged value
    /// keeps its original <see cref="TagValue.SetAt"/>, which is what makes a second run of the same period a no-op.
    /// </summary>
    public static ImmutableSortedDictionary<string, TagValue> Set(
        ImmutableSortedDictionary<string, TagValue> tags, string id, string? value, string family, DateTimeOffset at)
    {
        if (value is null)
        {
            return tags.Remove(id);
        }
        return tags.TryGetValue(id, out var current) && current.Value == value && current.Family == family
            ? tags
            : tags.SetItem(id, new TagValue(value, family, at));
    }

    internal static double? Number(Profile profile, string tag) =>
        profile.Tags.TryGetValue(tag, out var t) && double.TryParse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null;

    internal static RfmScore? Score(Profile profile) =>
        profile.Tags.TryGetValue(RfmScore, out var t) && Scoring.RfmScore.TryParse(t.Value, out var s) ? s : null;
}
