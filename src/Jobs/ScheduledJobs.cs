using Lodestar.Jobs.History;
using Lodestar.Profiles;
using Lodestar.Runs;

namespace Lodestar.Jobs;

/// <summary>
/// The daily and monthly runs as both hosts run them: the period owed at a time (or one named), its steps, run through
/// <see cref="PeriodicRun"/> with the ledger so that finished steps are skipped. A host adds its own steps after the
/// shared ones (the standalone host's backup).
/// </summary>
public sealed class ScheduledJobs(IProfileStore store, IRunLedger ledger, TimeProvider time, RunSchedule schedule, JobOptions options, IEventHistory? history = null)
{
    private readonly HistorySnapshots? _history = history is null ? null : new HistorySnapshots(history, options);

    public RunSchedule Schedule => schedule;

    /// <summary>The period of <paramref name="kind"/> last due now, or the one named (see <see cref="RunPeriod.Of"/>).</summary>
    public RunPeriod Period(RunKind kind, string? name = null) => name is null
        ? RunPeriod.Owed(schedule, kind, time.GetUtcNow())
        : RunPeriod.Of(schedule, kind, name, time.GetUtcNow());

    public IReadOnlyList<RunStep> Steps(RunPeriod period) => period.Kind == RunKind.Daily
        ? new DailyRun(store, _history, options).Steps(period)
        : new MonthlyRun(store, _history, options).Steps(period);

    /// <summary>Runs <paramref name="period"/>'s steps not done yet, then <paramref name="hostSteps"/>.</summary>
    public Task<RunReport> RunAsync(RunPeriod period, IEnumerable<RunStep>? hostSteps, CancellationToken cancellationToken) =>
        new PeriodicRun(ledger, time).RunAsync(period.Kind, period.Name, [.. Steps(period), .. hostSteps ?? []], cancellationToken);
}
