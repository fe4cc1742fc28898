using Lodestar.Learning.Conversion;
using Lodestar.Profiles;
using Lodestar.Scoring;

namespace Lodestar.Jobs;

/// <summary>
/// The tags the model steps write, besides those of the Domain's runs (<see cref="ScoringTags"/>). Numbers are written
/// rounded, in the invariant culture, so that a re-run that finds the same fit writes the same text and keeps the
/// tag's original <see cref="TagValue.SetAt"/>.
/// </summary>
public static class JobTags
{
    /// <summary>Discounted CLV over the configured horizon (12 months by default), in the shop's major currency unit, rounded.</summary>
    public const string Clv = ScoringTags.Clv;

    /// <summary>BG/NBD's probability that the customer is still buying, two decimals.</summary>
    public const string ProbabilityAlive = "p_alive";

    /// <summary>Calibrated churn probability (0..1, three decimals), which the tier rules read.</summary>
    public const string ChurnScore = ScoringTags.ChurnScore;

    /// <summary>The churn reason codes that push the customer's score up, strongest first, comma-separated.</summary>
    public const string ChurnReasons = "churn_reasons";

    /// <summary>The retention strategy the playbook gives the strongest reason (e.g. <c>coupon</c>).</summary>
    public const string RetentionStrategy = "retention_strategy";

    /// <summary>The conversion band: <c>high</c>, <c>medium</c> or <c>low</c>.</summary>
    public const string Propensity = ConversionOptions.TagName;

    public const string ValueFamily = ScoringTags.ValueFamily;

    public const string ChurnFamily = "churn";

    public const string PropensityFamily = "propensity";

    /// <summary>Sets (or removes, for null) several tags; the same instance when nothing changes.</summary>
    public static Profile With(Profile profile, DateTimeOffset at, params ReadOnlySpan<(string Tag, string? Value, string Family)> tags)
    {
        var result = profile.Tags;
        foreach (var (tag, value, family) in tags)
        {
            result = ScoringTags.Set(result, tag, value, family, at);
        }
        return result == profile.Tags ? profile : profile with { Tags = result };
    }
}
