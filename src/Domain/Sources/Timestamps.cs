using System.Globalization;

namespace Lodestar.Sources;

/// <summary>Timestamp formats the sources send. A local time without offset is read in the tenant's zone.</summary>
public static class Timestamps
{
    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm",
        "yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss", "yyyy-MM-dd",
    ];

    public static bool TryParse(string text, TimeSpan assumedOffset, out DateTimeOffset at, out bool offsetStated)
    {
        text = text.Trim();
        offsetStated = true;
        if (HasOffset(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out at))
        {
            return true;
        }
        offsetStated = false;
        if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local))
        {
            at = new DateTimeOffset(local, assumedOffset);
            return true;
        }
        at = default;
        return false;
    }

    private static bool HasOffset(string text)
    {
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            return true;
        }
        var t = text.IndexOf('T', StringComparison.Ordinal) is var i and > 0 ? i : text.IndexOf(' ', StringComparison.Ordinal);
        return t > 0 && text.AsSpan(t).IndexOfAny('+', '-') > 0;
    }
}
