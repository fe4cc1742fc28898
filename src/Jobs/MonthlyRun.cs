using Lodestar.Jobs.Clv;
using Lodestar.Jobs.History;
using Lodestar.Jobs.Models;
using Lodestar.Profiles;
using Lodestar.Runs;
using Lodestar.Scoring;
using Lodestar.Tags;

namespace Lodestar.Jobs;

/// <summary>
/// The monthly run over the store, for one month: the value tags, the CLV refit (<c>clv</c>, <c>p_alive</c>), the churn
/// retrain (<c>churn_score</c>, <c>churn_reasons</c>, <c>retention_strategy</c>, when the store's history allows), then
/// the lifecycle tiers (<c>tier</c>), which read CLV and churn score, with the tier report (shares and movement since
/// last month) in the step's outcome.
/// </summary>
/// <remarks>
/// Idempotent per month as the daily run is per day. One caveat of the tier report: its movement compares each
/// customer's tier with the <c>tier</c> tag found when the step reads the profile, so after a crash in the middle of
/// the tier step the re-run's report counts as unmoved the customers the first attempt had already saved. The tiers
/// themselves are right either way.
/// </remarks>
public sealed class MonthlyRun(IProfileStore store, HistorySnapshots? history, JobOptions options)
{
    public IReadOnlyList<RunStep> Steps(RunPeriod period)
    {
        if (period.Kind != RunKind.Monthly)
        {
            throw new ArgumentException("a monthly run needs a monthly period", nameof(period));
        }
        return
        [
            new(RunSteps.MonthlyTags, async ct => Outcomes.Tags(await new RefreshTags(store, options.Tags, new FixedTime(period.AsOf)).RunAsync(TagCadence.Monthly, ct))),
            new(RunSteps.Clv, async ct => (await new RefitClv(store, options.Clv).RunAsync(period.Date, period.Offset, period.AsOf, ct)).Outcome),
            new(RunSteps.Churn, async ct => (await new ScoreChurn(store, history, options.Churn).RunAsync(period.AsOf, ct)).Outcome),
            new(RunSteps.Tiers, async ct => Outcomes.Tiers(await new AssignTiers(store, options.Tiers).RunAsync(period.AsOf, null, ct))),
        ];
    }
}
