using Lodestar.Jobs.History;
using Lodestar.Jobs.Models;
using Lodestar.Profiles;
using Lodestar.Runs;
using Lodestar.Scoring;
using Lodestar.Tags;

namespace Lodestar.Jobs;

/// <summary>The ledger's names of the steps. They are keys: renaming one makes every period run it again.</summary>
public static class RunSteps
{
    public const string Rfm = "rfm";
    public const string DailyTags = "tags.daily";
    public const string Propensity = "propensity";
    public const string Segments = "segments";
    public const string MonthlyTags = "tags.monthly";
    public const string Clv = "clv";
    public const string Churn = "churn";
    public const string Tiers = "tiers";
}

/// <summary>
/// The daily run over the store, for one day: RFM at the day's end (<c>rfm_score</c>, <c>rfm_segment</c>), the
/// preference tags, conversion propensity (<c>propensity_7d</c>, when the store's history allows training), and
/// segment membership (<c>segment:&lt;id&gt;</c>, with the entered/left events counted in the outcome). Propensity
/// goes before segments so that a segment on the propensity band (the coupon segment) sees the same day's scores.
/// </summary>
/// <remarks>
/// Every step measures at the period's <see cref="RunPeriod.AsOf"/> and writes only the profiles whose tags change, so
/// a step re-run after a crash finishes the work and a second run of a finished day writes nothing; the ledger
/// (<see cref="PeriodicRun"/>) skips the steps already done anyway.
/// </remarks>
public sealed class DailyRun(IProfileStore store, HistorySnapshots? history, JobOptions options)
{
    public IReadOnlyList<RunStep> Steps(RunPeriod period)
    {
        if (period.Kind != RunKind.Daily)
        {
            throw new ArgumentException("a daily run needs a daily period", nameof(period));
        }
        return
        [
            new(RunSteps.Rfm, async ct => Outcomes.Rfm(await new ScoreRfm(store, options.Rfm, period.Offset).RunAsync(period.Date, null, ct))),
            new(RunSteps.DailyTags, async ct => Outcomes.Tags(await new RefreshTags(store, options.Tags, new FixedTime(period.AsOf)).RunAsync(TagCadence.Daily, ct))),
            new(RunSteps.Propensity, async ct => (await new ScorePropensity(store, history, options.Propensity).RunAsync(period.AsOf, ct)).Outcome),
            new(RunSteps.Segments, async ct => Outcomes.Segments(await new RefreshSegments(store, options.Segments).RunAsync(period.AsOf, null, ct))),
        ];
    }
}
