using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Customers;
using Lodestar.Jobs.History;
using Lodestar.Learning.Churn;
using Lodestar.Learning.Replay;
using Lodestar.Profiles;

namespace Lodestar.Jobs.Models;

/// <summary>
/// The monthly churn step: retrains the churn early warning on profile features (docs/models.md, "Churn from
/// profiles") from the store's replayed history, and writes each buyer's <c>churn_score</c>, <c>churn_reasons</c>
/// and <c>retention_strategy</c>. Trained on: the buyers as they stood one horizon (90 days) before the period's end,
/// with trends over the window before that, labelled churned when they placed no order from the cut-off to the
/// period's end; scored: the buyers at the period's end, with trends over the window before it. Without a history, or
/// with too little, the step is skipped with the reason and the tier rules fall back to their RFM condition.
/// </summary>
/// <remarks>
/// Customers who have not ordered are outside the model (its label needs an order to stop) and carry no churn tags.
/// Seeded training over a deterministic replay: a re-run for the same period writes the same values.
/// </remarks>
public sealed class ScoreChurn(IProfileStore store, HistorySnapshots? history, ChurnJobOptions options)
{
    public async Task<ModelStepResult> RunAsync(DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        if (history is null)
        {
            return new ModelSkipped(ScorePropensity.NoHistory);
        }
        var cutoff = asOf - options.Horizon;
        var before = cutoff - options.TrendWindow;
        var scoreBefore = asOf - options.TrendWindow;
        var replay = await history.AtAsync(asOf, cancellationToken);
        if (replay.Earliest is not { } earliest || earliest > before)
        {
            return new ModelSkipped(F($"not enough history: {ScorePropensity.Since(replay)}, and training needs them from {before:yyyy-MM-dd} ({options.TrendWindow.TotalDays:0} days of trend before a cut-off {options.Horizon.TotalDays:0} days before {asOf:yyyy-MM-dd})"));
        }
        var data = ProfileChurnFeatures.Build($"store history to {asOf:yyyy-MM-dd}", replay[before], replay[cutoff], replay[asOf]);
        var churned = data.Positives;
        var stayed = data.Examples.Length - churned;
        if (data.Examples.Length < options.MinimumExamples || churned < options.MinimumPerClass || stayed < options.MinimumPerClass)
        {
            return new ModelSkipped(F($"not enough history: {data.Examples.Length:N0} buyers by the cut-off {cutoff:yyyy-MM-dd}, {churned:N0} of them churned and {stayed:N0} ordered again by {asOf:yyyy-MM-dd} (needs {options.MinimumExamples:N0} buyers and {options.MinimumPerClass:N0} of each)"));
        }
        var model = new ChurnModel(options.Playbook);
        var run = model.Train(data, options.Training, options.Reasons);
        if (ModelGate.Refuse(run.Report, options.MinimumAuc) is { } refused)
        {
            return new ModelSkipped(refused);
        }
        var rows = ProfileHistory.Of(replay[asOf], replay[scoreBefore]).Where(h => h.Now.Orders > 0).Select(ProfileChurnFeatures.Set.Row).ToList();
        var risks = model.Warn(run.Model, rows, options.Reasons);
        var byCustomer = await replay.ToStoreAsync(store, risks.Select(r => (CustomerId.Parse(r.CustomerId), r)), r => r.Probability, cancellationToken);
        var writes = await ProfileRewrite.ApplyAsync(store, p => Apply(p, byCustomer.GetValueOrDefault(p.Id), asOf), cancellationToken);
        var strategies = risks.Where(r => r.AtRisk).GroupBy(r => r.Strategy).ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new ChurnScored(run.Report, cutoff, risks.Length, risks.Count(r => r.AtRisk), strategies, writes);
    }

    /// <summary>The snapshots the step reads: a trend window before the cut-off, the cut-off, and the as-of instant with its window.</summary>
    internal static IEnumerable<DateTimeOffset> Instants(DateTimeOffset asOf, ChurnJobOptions options) =>
        [asOf - options.Horizon - options.TrendWindow, asOf - options.Horizon, asOf - options.TrendWindow, asOf];

    private static Profile Apply(Profile profile, ChurnRisk? risk, DateTimeOffset at)
    {
        var reasons = risk is null ? null : string.Join(',', risk.Reasons.Select(r => r.Reason).Distinct(StringComparer.Ordinal));
        return JobTags.With(profile, at,
            (JobTags.ChurnScore, risk?.Probability.ToString("0.000", CultureInfo.InvariantCulture), JobTags.ChurnFamily),
            (JobTags.ChurnReasons, string.IsNullOrEmpty(reasons) ? null : reasons, JobTags.ChurnFamily),
            (JobTags.RetentionStrategy, risk?.Strategy, JobTags.ChurnFamily));
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
