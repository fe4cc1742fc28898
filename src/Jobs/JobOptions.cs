using Lodestar.Learning.Churn;
using Lodestar.Learning.Conversion;
using Lodestar.Learning.Modelling;
using Lodestar.Scoring;
using Lodestar.Tags;

namespace Lodestar.Jobs;

/// <summary>The configuration of the daily and monthly runs: the rule sets of the Domain's runs and the models' settings.</summary>
public sealed record JobOptions
{
    public RfmScheme Rfm { get; init; } = RfmScheme.Default;

    public TagRuleSet Tags { get; init; } = TagRuleSet.Default;

    /// <summary>The segments refreshed daily; by default <see cref="SegmentSet.Default"/> plus <see cref="PropensitySegmentJson"/>.</summary>
    public SegmentSet Segments { get; init; } = DefaultSegments;

    public TierRuleSet Tiers { get; init; } = TierRuleSet.Default;

    public ClvJobOptions Clv { get; init; } = new();

    public ChurnJobOptions Churn { get; init; } = new();

    public PropensityJobOptions Propensity { get; init; } = new();

    /// <summary>
    /// The segment a coupon journey starts from (issue 5: customers at ≥ 0.70 propensity): members carry the band
    /// <c>high</c> of <c>propensity_7d</c>, which <see cref="ConversionOptions.SegmentThreshold"/> sets. The daily run
    /// scores propensity before it refreshes segments, so entries are the same day's.
    /// </summary>
    public const string PropensitySegmentJson = """
        { "id": "propensity_high", "name": "Likely to order within 7 days",
          "description": "Conversion propensity at or above the segment threshold (0.70 by default)",
          "when": { "tag": "propensity_7d", "op": "==", "value": "high" } }
        """;

    public static SegmentSet DefaultSegments { get; } = new(SegmentSet.Default.Segments.Append(
        SegmentDefinition.Parse(PropensitySegmentJson) is { IsValid: true } s ? s.Value! : throw new InvalidOperationException("the propensity segment is invalid")));

    /// <summary>Declared after <see cref="DefaultSegments"/>, which its initialiser reads (static initialisers run in text order).</summary>
    public static JobOptions Default { get; } = new();
}

/// <summary>The monthly CLV refit: horizon and discounting of the tag <c>clv</c>, and how many buyers a fit needs.</summary>
public sealed record ClvJobOptions
{
    /// <summary>The horizon of the <c>clv</c> tag: 52 weeks, i.e. a 12-month CLV.</summary>
    public double HorizonWeeks { get; init; } = 52;

    /// <summary>Monthly discount rate (0.01 = 1% a month, the <c>lifetimes</c> default).</summary>
    public double MonthlyDiscountRate { get; init; } = 0.01;

    /// <summary>Fewer buyers than this and the step is skipped: four parameters from a handful of customers mean nothing.</summary>
    public int MinimumBuyers { get; init; } = 50;

    /// <summary>Fewer repeat buyers than this and the step is skipped: they alone inform the spend model and the drop-out rate.</summary>
    public int MinimumRepeatBuyers { get; init; } = 10;
}

/// <summary>
/// The monthly churn retrain. The label is "ordered by the cut-off, no order in the <see cref="Horizon"/> after it",
/// with the cut-off one horizon before the period's end; trends compare the <see cref="TrendWindow"/> before an instant
/// with the customer's earlier rate (docs/models.md, "Churn from profiles").
/// </summary>
public sealed record ChurnJobOptions
{
    public TimeSpan Horizon { get; init; } = TimeSpan.FromDays(90);

    public TimeSpan TrendWindow { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Fewer labelled customers than this and the step is skipped.</summary>
    public int MinimumExamples { get; init; } = 200;

    /// <summary>Fewer churned, or fewer retained, customers than this and the step is skipped.</summary>
    public int MinimumPerClass { get; init; } = 20;

    public TrainingOptions Training { get; init; } = TrainingOptions.Default;

    public RetentionPlaybook Playbook { get; init; } = RetentionPlaybook.Default;

    /// <summary>Reason codes kept per customer (tag <c>churn_reasons</c>).</summary>
    public int Reasons { get; init; } = 3;

    /// <summary>A model whose hold-out AUC is below this is not used: its scores would say nothing (see <see cref="ModelGate"/>).</summary>
    public double MinimumAuc { get; init; } = ModelGate.DefaultMinimumAuc;
}

/// <summary>The daily conversion propensity: the model's own settings, and how much labelled history training needs.</summary>
public sealed record PropensityJobOptions
{
    public ConversionOptions Conversion { get; init; } = new();

    /// <summary>Fewer labelled profiles than this and the step is skipped.</summary>
    public int MinimumExamples { get; init; } = 200;

    /// <summary>Fewer buyers, or fewer non-buyers, in the label week than this and the step is skipped.</summary>
    public int MinimumPerClass { get; init; } = 20;

    /// <summary>A model whose hold-out AUC is below this is not used (see <see cref="ModelGate"/>).</summary>
    public double MinimumAuc { get; init; } = ModelGate.DefaultMinimumAuc;
}

/// <summary>
/// The bar a retrained model must clear before its scores are written: a hold-out AUC of at least
/// <see cref="DefaultMinimumAuc"/>. A model near 0.5 ranks customers at random, and its scores would move customers
/// into tiers and segments for nothing; the step is then skipped with the AUC, and the last good scores stay.
/// </summary>
public static class ModelGate
{
    public const double DefaultMinimumAuc = 0.6;

    internal static string? Refuse(Learning.Modelling.EvaluationReport report, double minimumAuc) =>
        report.Auc >= minimumAuc ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the model trained on {report.Rows:N0} rows does not rank better than chance on the hold-out (AUC {report.Auc:0.000}, needs {minimumAuc:0.00}); no scores written");
}
