using System.Globalization;
using Lodestar.Jobs.History;
using Lodestar.Learning.Conversion;
using Lodestar.Learning.Modelling;
using Lodestar.Learning.Replay;
using Lodestar.Profiles;

namespace Lodestar.Jobs.Models;

/// <summary>
/// The daily propensity step: trains the conversion model (docs/models.md) on the store's own replayed history and
/// writes every profile's band as <c>propensity_7d</c>. Trained on: the profiles as they stood one horizon (7 days)
/// before the period's end, with their 28-day recent window, labelled by whether they ordered in that last week;
/// scored: the profiles at the period's end with their own recent window. Without a history, or with too little of
/// it, nothing is scored and the step says so: a score is never made up.
/// </summary>
/// <remarks>
/// Profiles the model did not score (new in the store since, or not found by their identifiers) lose the tag rather
/// than keep a stale band. Training is seeded and the replay deterministic, so a re-run for the same period writes
/// the same bands and changes nothing.
/// </remarks>
public sealed class ScorePropensity(IProfileStore store, HistorySnapshots? history, PropensityJobOptions options)
{
    public async Task<ModelStepResult> RunAsync(DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        if (history is null)
        {
            return new ModelSkipped(NoHistory);
        }
        var o = options.Conversion;
        var cutoff = asOf - o.Horizon;
        var recent = cutoff - o.RecentWindow;
        var replay = await history.AtAsync(asOf, cancellationToken);
        if (replay.Earliest is not { } earliest || earliest > recent)
        {
            return new ModelSkipped(F($"not enough history: {Since(replay)}, and training needs them from {recent:yyyy-MM-dd} ({o.RecentWindow.TotalDays:0} days of behaviour before a cut-off {o.Horizon.TotalDays:0} days before {asOf:yyyy-MM-dd})"));
        }
        var data = ConversionFeatures.Build($"store history to {asOf:yyyy-MM-dd}", replay[recent], replay[cutoff], replay[asOf]);
        var positives = data.Positives;
        var negatives = data.Examples.Length - positives;
        if (data.Examples.Length < options.MinimumExamples || positives < options.MinimumPerClass || negatives < options.MinimumPerClass)
        {
            return new ModelSkipped(F($"not enough history: {data.Examples.Length:N0} profiles at the cut-off {cutoff:yyyy-MM-dd}, {positives:N0} of them ordered in the following {o.Horizon.TotalDays:0} days and {negatives:N0} did not (needs {options.MinimumExamples:N0} profiles and {options.MinimumPerClass:N0} of each)"));
        }
        var trained = new BinaryModelTrainer().Train(data, o.Training);
        if (ModelGate.Refuse(trained.Report, options.MinimumAuc) is { } refused)
        {
            return new ModelSkipped(refused);
        }
        var rows = ProfileHistory.Of(replay[asOf], replay[asOf - o.RecentWindow]).Select(ConversionFeatures.Set.Row).ToList();
        var segment = new ConversionPropensity(o).Score(trained.Model, rows, asOf);
        var bands = await replay.ToStoreAsync(store, segment.Scores.Select(s => (Customers.CustomerId.Parse(s.CustomerId), s)), s => s.Probability, cancellationToken);
        var writes = await ProfileRewrite.ApplyAsync(store,
            p => JobTags.With(p, asOf, (JobTags.Propensity, bands.TryGetValue(p.Id, out var s) ? s.Band : null, JobTags.PropensityFamily)),
            cancellationToken);
        return new PropensityScored(trained.Report, cutoff, positives, segment.Scores.Length, segment.Bands, writes);
    }

    /// <summary>The snapshots the step reads: the recent window before the cut-off, the cut-off, and the as-of instant with its window.</summary>
    internal static IEnumerable<DateTimeOffset> Instants(DateTimeOffset asOf, PropensityJobOptions options)
    {
        var o = options.Conversion;
        return [asOf - o.Horizon - o.RecentWindow, asOf - o.Horizon, asOf - o.RecentWindow, asOf];
    }

    internal const string NoHistory = "no event history to replay: this host's store does not expose one yet, and the model is trained only on the store's own history";

    internal static string Since(ReplayedHistory replay) =>
        replay.Earliest is { } e ? F($"the history's {replay.Events:N0} events start {e:yyyy-MM-dd}") : "the history holds no events";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
