using Lodestar.Jobs;
using Lodestar.Runs;

namespace Lodestar.Standalone.Hosting;

/// <summary>
/// The daily and monthly runs on the standalone host: the shared steps of <see cref="ScheduledJobs"/> over the SQLite
/// store and its ledger, plus a daily backup after them, and running the period that is owed.
/// </summary>
/// <remarks>
/// The SQLite store does not expose its event history to the jobs yet, so the propensity and churn steps record
/// "skipped" with that reason; RFM, tags, segments, CLV and tiers run in full.
/// </remarks>
public sealed class ScheduledRuns(StandaloneApp app, RunSchedule schedule)
{
    private readonly ScheduledJobs _jobs = new(app.Store, app.Store, app.Time, schedule, JobOptions.Default);

    public RunSchedule Schedule => schedule;

    public IReadOnlyList<RunStep> Steps(RunPeriod period) => [.. _jobs.Steps(period), .. HostSteps(period)];

    /// <summary>
    /// Runs the period of the last due time of <paramref name="kind"/> (or the given one); done steps are skipped. Segment
    /// journeys then look at the new tiers and segments at once rather than at their next periodic scan.
    /// </summary>
    public async Task<RunReport> RunOwedAsync(RunKind kind, string? period, CancellationToken cancellationToken)
    {
        var p = _jobs.Period(kind, period);
        var report = await _jobs.RunAsync(p, HostSteps(p), cancellationToken);
        app.JourneyDriver.ScanSegments();
        return report;
    }

    private IEnumerable<RunStep> HostSteps(RunPeriod period) => period.Kind == RunKind.Daily
        ?
        [
            new("backup", async ct =>
            {
                var target = Path.Combine(app.Data.BackupsPath, $"lodestar-{period.Name}.db");
                await app.Store.BackupAsync(target, ct);
                return $"full backup {Path.GetFileName(target)}";
            }),
        ]
        : [];
}
