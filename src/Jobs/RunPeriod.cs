using System.Globalization;
using Lodestar.Runs;

namespace Lodestar.Jobs;

/// <summary>
/// The period one run covers, in the tenant's zone: a day (<c>yyyy-MM-dd</c>) or a month (<c>yyyy-MM</c>), and the
/// instant the run measures at (<see cref="AsOf"/>). A scheduled run covers a period that has ended, so
/// <see cref="AsOf"/> is the period's <see cref="End"/>, and every step of the period sees the same instant however
/// often it is re-run. A period that is still going on (a run asked for by hand, or the demo) is measured at the time
/// of the run instead.
/// </summary>
public sealed record RunPeriod
{
    private RunPeriod(RunKind kind, string name, DateTimeOffset start, DateTimeOffset end, DateTimeOffset asOf, TimeZoneInfo zone)
    {
        Kind = kind;
        Name = name;
        Start = start;
        End = end;
        AsOf = asOf;
        Zone = zone;
    }

    public RunKind Kind { get; }

    /// <summary>The ledger's key: <c>yyyy-MM-dd</c> for a day, <c>yyyy-MM</c> for a month.</summary>
    public string Name { get; }

    /// <summary>Local midnight at which the period begins.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Local midnight at which the period ends (exclusive).</summary>
    public DateTimeOffset End { get; }

    /// <summary>The instant the run measures at: <see cref="End"/>, or the time of the run for a period not yet over.</summary>
    public DateTimeOffset AsOf { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The last calendar day with data in the tenant's zone: the RFM analysis date, the CLV calibration end.</summary>
    public DateOnly Date => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(AsOf.AddTicks(-1), Zone).DateTime);

    /// <summary>The zone's UTC offset on <see cref="Date"/>, for the use cases that count calendar days at an offset.</summary>
    public TimeSpan Offset => Zone.GetUtcOffset(AsOf.AddTicks(-1));

    /// <summary>The period a host starting at <paramref name="now"/> owes: the one of the last due time (it may be done already).</summary>
    public static RunPeriod Owed(RunSchedule schedule, RunKind kind, DateTimeOffset now) =>
        Of(schedule, kind, schedule.PeriodOf(kind, schedule.LastDue(kind, now)), now);

    /// <summary>
    /// The period named <paramref name="name"/> as seen at <paramref name="now"/>. Throws <see cref="ArgumentException"/>
    /// for a name that is not a day (daily) or a month (monthly), or a period that has not begun.
    /// </summary>
    public static RunPeriod Of(RunSchedule schedule, RunKind kind, string name, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var (format, what) = kind == RunKind.Daily ? ("yyyy-MM-dd", "a day") : ("yyyy-MM", "a month");
        if (!DateOnly.TryParseExact(name, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            throw new ArgumentException($"'{name}' is not {what} ({format}) for a {kind.ToString().ToLowerInvariant()} run", nameof(name));
        }
        var next = kind == RunKind.Daily ? first.AddDays(1) : first.AddMonths(1);
        var start = Midnight(first, schedule.Zone);
        var end = Midnight(next, schedule.Zone);
        if (start > now)
        {
            throw new ArgumentException($"the period {name} has not begun (it starts {start:yyyy-MM-dd HH:mm zzz})", nameof(name));
        }
        return new RunPeriod(kind, name, start, end, end < now ? end : now, schedule.Zone);
    }

    private static DateTimeOffset Midnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddHours(1); // a spring-forward gap at midnight: the day begins at the first valid time
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
