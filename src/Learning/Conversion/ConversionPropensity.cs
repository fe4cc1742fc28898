using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Learning.Modelling;
using Lodestar.Learning.Replay;
using Lodestar.Profiles;
using Lodestar.Simulation;

namespace Lodestar.Learning.Conversion;

/// <summary>Conversion propensity settings. The bands are configuration; <see cref="SegmentThreshold"/> opens the coupon segment.</summary>
public sealed record ConversionOptions
{
    /// <summary>The tag the daily run writes, valued with the band.</summary>
    public const string TagName = "propensity_7d";

    /// <summary>The label: an order within this long after the cut-off.</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The recent-behaviour window before the cut-off.</summary>
    public TimeSpan RecentWindow { get; init; } = TimeSpan.FromDays(28);

    /// <summary>Probability at which a customer enters the segment a coupon journey starts from.</summary>
    public double SegmentThreshold { get; init; } = 0.70;

    /// <summary>Probability from which a customer is in the "medium" band (below: "low").</summary>
    public double MediumThreshold { get; init; } = 0.30;

    public TrainingOptions Training { get; init; } = TrainingOptions.Default;

    public string Band(double probability) => probability >= SegmentThreshold ? "high" : probability >= MediumThreshold ? "medium" : "low";
}

/// <summary>One customer's propensity to order within the horizon, and its band.</summary>
public sealed record PropensityScore(string CustomerId, double Probability, string Band);

/// <summary>
/// Every scored customer at <see cref="At"/> (highest first) and the band counts. <see cref="Members"/> is the segment
/// (probability ≥ <see cref="Threshold"/>); <see cref="Tags"/> gives the <c>propensity_7d</c> tag for each customer.
/// </summary>
public sealed record PropensitySegment(DateTimeOffset At, double Threshold, ImmutableArray<PropensityScore> Scores, ImmutableSortedDictionary<string, int> Bands)
{
    public ImmutableArray<PropensityScore> Members => [.. Scores.Where(s => s.Probability >= Threshold)];

    public IEnumerable<(CustomerId Customer, string Tag, TagValue Value)> Tags() =>
        Scores.Select(s => (CustomerId.Parse(s.CustomerId), ConversionOptions.TagName, new TagValue(s.Band, "propensity", At)));
}

/// <summary>
/// A conversion run: the evaluation report (at the F1-best threshold), the hold-out counts at the segment threshold
/// (what the coupon journey will see: how many enter, how many of them do buy), the model, and the segment scored at
/// the latest instant.
/// </summary>
public sealed record ConversionRun(EvaluationReport Report, ConfusionCounts AtSegmentThreshold, BinaryModel Model, ImmutableArray<ScoredExample> Test, PropensitySegment Segment);

/// <summary>
/// Conversion propensity: rebuild the profiles at a cut-off (and the recent window before it) from history, label each
/// customer by whether they ordered in the following <see cref="ConversionOptions.Horizon"/>, train with the shared
/// trainer, and score every customer at <c>scoreAt</c> with the profiles as they stand then.
/// </summary>
public sealed class ConversionPropensity(ConversionOptions? options = null)
{
    public ConversionOptions Options { get; } = options ?? new ConversionOptions();

    /// <param name="name">The data set's name in the report.</param>
    /// <param name="events">Parsed history (any order).</param>
    /// <param name="receivedAt">When the history counts as received (cleaning rejects timestamps after it).</param>
    /// <param name="cutoff">Features from events before it; the label from the horizon after it.</param>
    /// <param name="scoreAt">When to score the segment; by default the end of the label horizon (no label needed then).</param>
    /// <param name="cancellationToken">Stops the replay between batches.</param>
    public async Task<ConversionRun> RunAsync(string name, IEnumerable<RawEvent> events, DateTimeOffset receivedAt, DateTimeOffset cutoff,
        DateTimeOffset? scoreAt, CancellationToken cancellationToken)
    {
        var o = Options;
        var horizon = cutoff + o.Horizon;
        var now = scoreAt ?? horizon;
        var instants = new[] { cutoff - o.RecentWindow, cutoff, horizon, now - o.RecentWindow, now };
        var snapshots = (await new ProfileReplay().RunAsync(events, receivedAt, instants, cancellationToken)).ToDictionary(s => s.At);
        var data = ConversionFeatures.Build(name, snapshots[cutoff - o.RecentWindow], snapshots[cutoff], snapshots[horizon]);
        var result = new BinaryModelTrainer().Train(data, o.Training);
        var rows = ProfileHistory.Of(snapshots[now], snapshots[now - o.RecentWindow]).Select(ConversionFeatures.Set.Row).ToList();
        var segment = Score(result.Model, rows, now);
        var atSegment = ConfusionCounts.At([.. result.Test.Select(t => t.Probability)], [.. result.Test.Select(t => t.Label)], o.SegmentThreshold);
        return new ConversionRun(result.Report, atSegment, result.Model, result.Test, segment);
    }

    /// <summary>The synthetic shop: features before its last week, label = an order in the last week, segment scored at its end.</summary>
    public Task<ConversionRun> RunSyntheticAsync(SyntheticShop shop, CancellationToken cancellationToken) =>
        RunAsync($"synthetic shop ({shop.Options.Customers:N0} customers, seed {shop.Options.Seed})", HistorySources.SyntheticShop(shop),
            shop.Context.ReceivedAt, shop.End - Options.Horizon, shop.End, cancellationToken);

    /// <summary>Online Retail: features from invoices before <paramref name="cutoff"/> (default 2011-09-01), label = an invoice in the horizon after it.</summary>
    public Task<ConversionRun> RunOnlineRetailAsync(string path, DateTimeOffset? cutoff, CancellationToken cancellationToken) =>
        RunAsync($"Online Retail ({Path.GetFileName(path)})", HistorySources.OnlineRetail(path), HistorySources.OnlineRetailReceivedAt,
            cutoff ?? DefaultOnlineRetailCutoff, null, cancellationToken);

    public static readonly DateTimeOffset DefaultOnlineRetailCutoff = new(2011, 9, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Scores rows with a trained model into bands and the segment.</summary>
    public PropensitySegment Score(BinaryModel model, IReadOnlyList<FeatureRow> rows, DateTimeOffset at)
    {
        var scores = model.Predict(rows, reasons: 0)
            .Select(p => new PropensityScore(p.Id, p.Probability, Options.Band(p.Probability)))
            .OrderByDescending(s => s.Probability).ThenBy(s => s.CustomerId, StringComparer.Ordinal)
            .ToImmutableArray();
        var bands = new[] { "high", "medium", "low" }.ToImmutableSortedDictionary(b => b, b => scores.Count(s => s.Band == b), StringComparer.Ordinal);
        return new PropensitySegment(at, Options.SegmentThreshold, scores, bands);
    }
}
