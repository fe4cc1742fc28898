using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Analytics.Clv;
using Lodestar.Learning.Modelling;

namespace Lodestar.Jobs;

/// <summary>
/// What a model step did: skipped with its reason (nothing written, the tags of earlier runs stay), or fitted and
/// written. <see cref="Outcome"/> is the one line the run ledger keeps.
/// </summary>
public abstract record ModelStepResult
{
    private protected ModelStepResult()
    {
    }

    public abstract string Outcome { get; }

    private protected static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The step did not fit a model, and says why (e.g. not enough history). Tags from earlier periods are left as they were.</summary>
public sealed record ModelSkipped(string Reason) : ModelStepResult
{
    public const string Prefix = "skipped: ";

    public override string Outcome => Prefix + Reason;
}

/// <summary>BG/NBD and Gamma-Gamma refitted on the buyers' profile totals, and <c>clv</c> / <c>p_alive</c> written.</summary>
/// <remarks><see cref="Note"/> says when the BG/NBD fit was taken back from a boundary (see <see cref="Clv.RefitClv"/>).</remarks>
public sealed record ClvRefitted(int Buyers, int RepeatBuyers, BgNbdModel BgNbd, GammaGammaModel GammaGamma, double TotalClv, double MedianClv,
    double HorizonWeeks, RewriteCounts Writes, string? Note = null) : ModelStepResult
{
    public override string Outcome => F($"BG/NBD (r {BgNbd.R:0.###}, α {BgNbd.Alpha:0.###}, a {BgNbd.A:0.###}, b {BgNbd.B:0.###}) and Gamma-Gamma (p {GammaGamma.P:0.###}, q {GammaGamma.Q:0.###}, γ {GammaGamma.Gamma:0.###}) fitted on {Buyers:N0} buyers' profile totals ({RepeatBuyers:N0} repeat){(Note is null ? "" : "; " + Note)}; {HorizonWeeks:0}-week CLV total {TotalClv:N0}, median {MedianClv:N0}; {Writes.Changed:N0} of {Writes.Profiles:N0} profiles changed{Unsaved(Writes)}");

    internal static string Unsaved(RewriteCounts w) => w.Unsaved > 0 ? $", {w.Unsaved:N0} left for the next run (conflicts)" : "";
}

/// <summary>The churn model retrained on replayed history, and every buyer's <c>churn_score</c>, reasons and strategy written.</summary>
public sealed record ChurnScored(EvaluationReport Evaluation, DateTimeOffset Cutoff, int Scored, int AtRisk,
    ImmutableSortedDictionary<string, int> Strategies, RewriteCounts Writes) : ModelStepResult
{
    public override string Outcome => F($"trained on {Evaluation.Rows:N0} buyers at cut-off {Cutoff:yyyy-MM-dd} ({Evaluation.Learner}, hold-out AUC {Evaluation.Auc:0.000}, accuracy {Evaluation.Accuracy:0.0%} vs baseline {Evaluation.BaselineAccuracy:0.0%}, threshold {Evaluation.Threshold:0.00}); {Scored:N0} scored, {AtRisk:N0} at risk ({string.Join(", ", Strategies.OrderByDescending(s => s.Value).Take(3).Select(s => $"{s.Key} {s.Value:N0}"))}); {Writes.Changed:N0} profiles changed{ClvRefitted.Unsaved(Writes)}");
}

/// <summary>The conversion model trained on replayed history, and every profile's <c>propensity_7d</c> band written.</summary>
public sealed record PropensityScored(EvaluationReport Evaluation, DateTimeOffset Cutoff, int Positives, int Scored,
    ImmutableSortedDictionary<string, int> Bands, RewriteCounts Writes) : ModelStepResult
{
    public override string Outcome => F($"trained on {Evaluation.Rows:N0} profiles at cut-off {Cutoff:yyyy-MM-dd} ({(double)Positives / Math.Max(1, Evaluation.Rows):0.0%} ordered within the horizon; {Evaluation.Learner}, hold-out AUC {Evaluation.Auc:0.000}); {Scored:N0} scored: high {Bands.GetValueOrDefault("high"):N0}, medium {Bands.GetValueOrDefault("medium"):N0}, low {Bands.GetValueOrDefault("low"):N0}; {Writes.Changed:N0} profiles changed{ClvRefitted.Unsaved(Writes)}");
}
