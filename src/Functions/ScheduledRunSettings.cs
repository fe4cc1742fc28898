using Lodestar.Jobs;
using Lodestar.Runs;
using Lodestar.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lodestar.Functions;

/// <summary>
/// Settings of the scheduled runs, section <c>Lodestar:Runs</c> (app setting <c>Lodestar__Runs__Zone</c>). The timers'
/// own schedules are the app settings <c>DailyRunSchedule</c> and <c>MonthlyRunSchedule</c> (NCRONTAB, UTC), which
/// must fire at or after the due times in this zone: daily at 02:00, monthly on the 1st at 03:00.
/// </summary>
public sealed class ScheduledRunSettings
{
    public const string Section = "Lodestar:Runs";

    /// <summary>IANA id of the tenant's zone, in which days and months begin and runs fall due.</summary>
    public string Zone { get; set; } = "Asia/Shanghai";

    public IReadOnlyList<string> Validate() =>
        TryZone(out _) ? [] : [$"{Section}:{nameof(Zone)} '{Zone}' is not a known time zone id (e.g. Asia/Shanghai)."];

    public TimeZoneInfo TimeZone() => TryZone(out var zone) ? zone : throw new InvalidOperationException($"{Section}:{nameof(Zone)} is not valid.");

    private bool TryZone(out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(Zone))
        {
            return false;
        }
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(Zone.Trim());
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }
}

/// <summary>The scheduled runs' services: the jobs over the customer store, with the store as the run ledger.</summary>
public static class ScheduledRunComposition
{
    public static IServiceCollection AddScheduledRuns(this IServiceCollection services)
    {
        services.AddOptions<ScheduledRunSettings>().BindConfiguration(ScheduledRunSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScheduledRunSettings>>(new OptionsValidation<ScheduledRunSettings>(s => s.Validate()));
        services.AddSingleton<IRunLedger>(sp => sp.GetRequiredService<SqliteStore>());
        // The SQLite store does not expose its event history to the jobs yet: the propensity and churn steps record
        // "skipped" with that reason until it does (an IEventHistory passed here).
        services.AddSingleton(sp => new ScheduledJobs(
            sp.GetRequiredService<Profiles.IProfileStore>(), sp.GetRequiredService<IRunLedger>(), sp.GetRequiredService<TimeProvider>(),
            RunSchedule.Default(sp.GetRequiredService<IOptions<ScheduledRunSettings>>().Value.TimeZone()), JobOptions.Default));
        return services;
    }
}
