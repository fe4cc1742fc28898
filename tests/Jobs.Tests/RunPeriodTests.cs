using Lodestar.Jobs;
using Lodestar.Runs;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>Which period a run covers, and the timers' schedules: daily at 18:00 UTC, and the monthly check daily at 19:00 UTC.</summary>
public sealed class RunPeriodTests
{
    private static DateTimeOffset Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(5, 30, 18, "2026-05-30")] // 02:00 on the 31st in Shanghai: the 30th is owed
    [InlineData(5, 30, 17, "2026-05-29")] // 01:00: the 30th is not over yet
    [InlineData(5, 31, 18, "2026-05-31")]
    public void Owed_Daily_AtTheDailyTimer_IsTheDayBefore_InShanghai(int month, int day, int hour, string expected)
    {
        var period = RunPeriod.Owed(Instants.Schedule, RunKind.Daily, Utc(month, day, hour));

        Assert.Equal(expected, period.Name);
        Assert.Equal(period.End, period.AsOf);
        Assert.Equal(TimeSpan.FromHours(8), period.Offset);
    }

    /// <summary>
    /// NCRONTAB cannot say "03:00 on the 1st in Shanghai" in UTC (it is 19:00 on the last day of the month before), so
    /// the monthly timer fires daily at 19:00 UTC: the month owed changes exactly at the first firing after the 1st
    /// 03:00 in Shanghai, and the ledger makes every other firing a no-op.
    /// </summary>
    [Fact]
    public void Owed_Monthly_AtADaily1900UtcTimer_ChangesMonthAtTheFirstFiringAfterTheFirst()
    {
        var owed = Enumerable.Range(27, 5).Select(d => Utc(5, d, 19)).Append(Utc(6, 1, 19)).Append(Utc(6, 2, 19))
            .Select(t => RunPeriod.Owed(Instants.Schedule, RunKind.Monthly, t).Name);

        Assert.Equal(["2026-04", "2026-04", "2026-04", "2026-04", "2026-05", "2026-05", "2026-05"], owed);
    }

    [Fact]
    public void Of_APeriodStillGoingOn_IsMeasuredAtTheTimeOfTheRun()
    {
        var now = new DateTimeOffset(2026, 6, 15, 10, 0, 0, TimeSpan.FromHours(8));

        var month = RunPeriod.Of(Instants.Schedule, RunKind.Monthly, "2026-06", now);

        Assert.Equal(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)), month.Start);
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.FromHours(8)), month.End);
        Assert.Equal(now, month.AsOf);
        Assert.Equal(new DateOnly(2026, 6, 15), month.Date);
    }

    [Theory]
    [InlineData(RunKind.Daily, "2026-06")]
    [InlineData(RunKind.Daily, "yesterday")]
    [InlineData(RunKind.Monthly, "2026-06-01")]
    [InlineData(RunKind.Monthly, "2026-07")] // not begun
    public void Of_ABadOrFuturePeriod_IsRefusedWithItsName(RunKind kind, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => RunPeriod.Of(Instants.Schedule, kind, name, new DateTimeOffset(2026, 6, 15, 10, 0, 0, TimeSpan.FromHours(8))));

        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }
}
