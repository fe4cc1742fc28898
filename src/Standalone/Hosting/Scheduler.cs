using Lodestar.Runs;

namespace Lodestar.Standalone.Hosting;

/// <summary>
/// The standalone host's timer: on start it runs any period that is owed (a host that was down at 02:00 catches up),
/// then sleeps until the next due time. The Functions app does the same with timer triggers.
/// </summary>
public sealed partial class Scheduler(ScheduledRuns runs, TimeProvider time, ILogger<Scheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var kind in new[] { RunKind.Daily, RunKind.Monthly })
            {
                try
                {
                    var report = await runs.RunOwedAsync(kind, null, stoppingToken);
                    foreach (var (step, outcome, skipped) in report.Steps.Where(s => !s.Skipped))
                    {
                        LogStep(logger, kind, report.Period, step, outcome);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e, kind);
                }
            }
            var now = time.GetUtcNow();
            var next = new[] { RunKind.Daily, RunKind.Monthly }.Min(k => runs.Schedule.NextDue(k, now));
            await Task.Delay(next - now + TimeSpan.FromSeconds(1), time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} run for {Period}: {Step}: {Outcome}")]
    private static partial void LogStep(ILogger logger, RunKind kind, string period, string step, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} run failed; it is retried at the next due time or restart")]
    private static partial void LogFailed(ILogger logger, Exception exception, RunKind kind);
}
