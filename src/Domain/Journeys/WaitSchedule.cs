using Lodestar.Profiles;

namespace Lodestar.Journeys;

/// <summary>When a wait-until node's moment comes, in the customer's zone.</summary>
public static class WaitSchedule
{
    /// <summary>
    /// The first instant at or after <paramref name="now"/> that the node describes, or null when it anchors on a
    /// profile date the profile lacks (or a one-off date that has passed).
    /// </summary>
    public static DateTimeOffset? Next(WaitUntilNode node, Profile profile, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (node.Date is { } anchor)
        {
            var days = (int)Math.Round(anchor.Offset.TotalDays);
            if (ProfileDates.Next(profile, anchor.Trait, anchor.Annual, today.AddDays(-days)) is not { } occurrence)
            {
                return null;
            }
            var day = occurrence.AddDays(days);
            return Max(now, OnDay(node, day, day == today ? time : null, zone, now));
        }
        for (var k = 0; k < 8; k++)
        {
            var day = today.AddDays(k);
            if (!node.Days.IsDefaultOrEmpty && !node.Days.Contains(day.DayOfWeek))
            {
                continue;
            }
            if (OnDay(node, day, k == 0 ? time : null, zone, now) is var at && at >= now)
            {
                return at;
            }
        }
        return now;
    }

    /// <summary>The node's moment on a day; <paramref name="nowTime"/> is set when the day is today.</summary>
    private static DateTimeOffset OnDay(WaitUntilNode node, DateOnly day, TimeOnly? nowTime, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (node.At is { } at)
        {
            return LocalTime.At(day, at, zone);
        }
        if (node.Window is { } window)
        {
            return nowTime is { } t && window.Contains(t) ? now : LocalTime.At(day, window.From, zone);
        }
        return nowTime is not null ? now : LocalTime.At(day, TimeOnly.MinValue, zone);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
