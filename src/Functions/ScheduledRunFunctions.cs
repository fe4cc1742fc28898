using Lodestar.Jobs;
using Lodestar.Runs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Lodestar.Functions;

/// <summary>
/// The daily and monthly runs on timers, with the same steps as the standalone host's scheduler (src/Jobs) and the
/// store's run ledger: each firing runs the period owed at that time, and steps the ledger has as done are skipped,
/// so a second firing, or a retry after a crash, changes nothing that is finished and resumes at the failed step.
/// </summary>
/// <remarks>
/// NCRONTAB runs in UTC here and cannot say "the 1st of the month at 03:00 in Shanghai" (that is the last day of the
/// previous month at 19:00 UTC). So the monthly timer fires every day after the monthly due time and the job decides:
/// <see cref="RunPeriod.Owed"/> gives the month of the last due time in the configured zone, and on every day but the
/// first firing after it the ledger finds that month done and nothing runs. Failures escape, so the host logs them and
/// the next firing tries the period again.
/// </remarks>
public sealed partial class ScheduledRunFunctions(ScheduledJobs jobs, ILogger<ScheduledRunFunctions> logger)
{
    /// <summary>App setting with the daily timer's NCRONTAB (UTC); the sample's <c>0 0 18 * * *</c> is 02:00 in Shanghai.</summary>
    public const string DailyScheduleSetting = "DailyRunSchedule";

    /// <summary>App setting with the monthly check's NCRONTAB (UTC); the sample's <c>0 0 19 * * *</c> is 03:00 in Shanghai.</summary>
    public const string MonthlyScheduleSetting = "MonthlyRunSchedule";

    [Function(nameof(DailyRun))]
    public Task DailyRun([TimerTrigger("%" + DailyScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        RunOwedAsync(RunKind.Daily, cancellationToken);

    [Function(nameof(MonthlyRun))]
    public Task MonthlyRun([TimerTrigger("%" + MonthlyScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        RunOwedAsync(RunKind.Monthly, cancellationToken);

    private async Task RunOwedAsync(RunKind kind, CancellationToken cancellationToken)
    {
        var report = await jobs.RunAsync(jobs.Period(kind), null, cancellationToken);
        foreach (var (step, outcome, skipped) in report.Steps)
        {
            LogStep(logger, kind, report.Period, step, skipped ? "done before" : outcome);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "{Kind} run for {Period}: {Step}: {Outcome}")]
    private static partial void LogStep(ILogger logger, RunKind kind, string period, string step, string outcome);
}
