using System.Globalization;

namespace Lodestar.Journeys;

/// <summary>
/// The short texts journey definitions use for durations ("90m", "24h", "7d", "2w", offsets "-7d") and local times of
/// day ("09:30"), read and written the same way everywhere (definitions, step logs, the CLI).
/// </summary>
public static class JourneyText
{
    /// <summary>Reads "30s", "90m", "24h", "7d", "2w", with an optional sign; false for anything else.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2)
        {
            return false;
        }
        var unit = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            'w' => TimeSpan.FromDays(7),
            _ => TimeSpan.Zero,
        };
        var digits = text.AsSpan(0, text.Length - 1);
        var sign = 1;
        if (digits.Length > 0 && digits[0] is '-' or '+')
        {
            sign = digits[0] == '-' ? -1 : 1;
            digits = digits[1..];
        }
        if (unit == TimeSpan.Zero || digits.Length is 0 or > 6 || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }
        duration = unit * (sign * int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>The shortest exact text for a duration: "90m", "1d", "-7d", "36h".</summary>
    public static string Duration(TimeSpan d)
    {
        var sign = d < TimeSpan.Zero ? "-" : "";
        var a = d.Duration();
        var ticks = a.Ticks;
        return ticks switch
        {
            0 => "0s",
            _ when ticks % TimeSpan.FromDays(7).Ticks == 0 => $"{sign}{ticks / TimeSpan.FromDays(7).Ticks}w",
            _ when ticks % TimeSpan.TicksPerDay == 0 => $"{sign}{ticks / TimeSpan.TicksPerDay}d",
            _ when ticks % TimeSpan.TicksPerHour == 0 => $"{sign}{ticks / TimeSpan.TicksPerHour}h",
            _ when ticks % TimeSpan.TicksPerMinute == 0 => $"{sign}{ticks / TimeSpan.TicksPerMinute}m",
            _ => $"{sign}{ticks / TimeSpan.TicksPerSecond}s",
        };
    }

    /// <summary>Reads a local time of day "HH:mm" (00:00–23:59).</summary>
    public static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>An instant for a step log, to the minute with its offset: "2026-03-02 20:00 +08:00". Hand-written: logs are on the hot path.</summary>
    public static string Instant(DateTimeOffset at) => string.Create(23, at, static (span, t) =>
    {
        Digits(span[..4], t.Year);
        span[4] = '-';
        Digits(span.Slice(5, 2), t.Month);
        span[7] = '-';
        Digits(span.Slice(8, 2), t.Day);
        span[10] = ' ';
        Digits(span.Slice(11, 2), t.Hour);
        span[13] = ':';
        Digits(span.Slice(14, 2), t.Minute);
        span[16] = ' ';
        var offset = (int)t.Offset.TotalMinutes;
        span[17] = offset < 0 ? '-' : '+';
        offset = Math.Abs(offset);
        Digits(span.Slice(18, 2), offset / 60);
        span[20] = ':';
        Digits(span.Slice(21, 2), offset % 60);
    });

    private static void Digits(Span<char> span, int value)
    {
        for (var i = span.Length - 1; i >= 0; i--)
        {
            span[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static bool TryParseDay(string? text, out DayOfWeek day)
    {
        var i = Array.IndexOf(DayNames, text);
        day = (DayOfWeek)Math.Max(i, 0);
        return i >= 0;
    }

    public static string Day(DayOfWeek day) => DayNames[(int)day];
}
