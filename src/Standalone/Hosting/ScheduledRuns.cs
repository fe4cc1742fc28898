using System.Globalization;
using Lodestar.Runs;
using Lodestar.Tags;

namespace Lodestar.Standalone.Hosting;

/// <summary>The steps of the daily and monthly runs on the standalone host, and running the period that is owed.</summary>
public sealed class ScheduledRuns(StandaloneApp app, RunSchedule schedule)
{
    public RunSchedule Schedule => schedule;

    public IReadOnlyList<RunStep> Steps(RunKind kind, string period) => kind switch
    {
        RunKind.Daily =>
        [
            new("tags.daily", async ct => Describe(await app.Tags.RunAsync(TagCadence.Daily, ct))),
            new("backup", async ct =>
            {
                var target = Path.Combine(app.Data.BackupsPath, $"lodestar-{period}.db");
                await app.Store.BackupAsync(target, ct);
                return $"full backup {Path.GetFileName(target)}";
            }),
        ],
        RunKind.Monthly =>
        [
            new("tags.monthly", async ct => Describe(await app.Tags.RunAsync(TagCadence.Monthly, ct))),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Runs the period of the last due time of <paramref name="kind"/> (or the given one); done steps are skipped.</summary>
    public Task<RunReport> RunOwedAsync(RunKind kind, string? period, CancellationToken cancellationToken)
    {
        var p = period ?? schedule.PeriodOf(kind, schedule.LastDue(kind, app.Time.GetUtcNow()));
        return new PeriodicRun(app.Store, app.Time).RunAsync(kind, p, Steps(kind, p), cancellationToken);
    }

    private static string Describe(TagRefreshReport r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Cadence} tags: {r.Profiles:N0} profiles, {r.Changed:N0} changed");
}
