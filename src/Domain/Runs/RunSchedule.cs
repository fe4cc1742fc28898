namespace Lodestar.Runs;

/// <summary>The two scheduled runs: daily (preference tags, RFM, segments, propensity) and monthly (value tags, tiers, models).</summary>
public enum RunKind { Daily, Monthly }

/// <summary>
/// When runs are due, in the tenant's zone: daily at <see cref="DailyAt"/>, monthly on the 1st at <see cref="MonthlyAt"/>.
/// A run covers the period that just ended: the daily run at 02:00 on the 26th covers the 25th.
/// </summary>
public sealed record RunSchedule(TimeZoneInfo Zone, TimeOnly DailyAt, TimeOnly MonthlyAt)
{
    public static RunSchedule Default(TimeZoneInfo zone) => new(zone, new TimeOnly(2, 0), new TimeOnly(3, 0));

    /// <summary>The next instant after <paramref name="now"/> at which a run of <paramref name="kind"/> is due.</summary>
    public DateTimeOffset NextDue(RunKind kind, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < 64; i++)
        {
            var candidateDay = kind == RunKind.Daily ? day.AddDays(i) : new DateOnly(day.Year, day.Month, 1).AddMonths(i);
            var at = ToInstant(candidateDay, kind == RunKind.Daily ? DailyAt : MonthlyAt);
            if (at > now)
            {
                return at;
            }
        }
        throw new InvalidOperationException("no due time found");
    }

    /// <summary>The period a run due at <paramref name="due"/> covers: the previous day, or the previous month.</summary>
    public string PeriodOf(RunKind kind, DateTimeOffset due)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(due, Zone).DateTime);
        return kind == RunKind.Daily
            ? local.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : local.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The most recent due instant at or before <paramref name="now"/> (the run a host starting now owes).</summary>
    public DateTimeOffset LastDue(RunKind kind, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < 64; i++)
        {
            var candidateDay = kind == RunKind.Daily ? day.AddDays(-i) : new DateOnly(day.Year, day.Month, 1).AddMonths(-i);
            var at = ToInstant(candidateDay, kind == RunKind.Daily ? DailyAt : MonthlyAt);
            if (at <= now)
            {
                return at;
            }
        }
        throw new InvalidOperationException("no due time found");
    }

    private DateTimeOffset ToInstant(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            local = local.AddHours(1); // a spring-forward gap: run at the first valid minute after
        }
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
