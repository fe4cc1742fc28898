using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Profiles;
using Lodestar.Tags;

namespace Lodestar.Journeys;

/// <summary>
/// What a branch, a split or an entry asks of a customer: profile metrics (the tag rules' conditions, evaluated by
/// <see cref="TagEngine.Holds"/>), tags (scores and tiers are tags too), the trigger's data, consent, and dates from the
/// profile. A closed hierarchy; <see cref="JourneyConditions.Holds"/> is total over it.
/// </summary>
public abstract record JourneyCondition;

/// <summary>A comparison over the profile metrics catalogue (<see cref="ProfileMetrics"/>), as in tag rules.</summary>
public sealed record MetricCondition(Condition Condition) : JourneyCondition;

/// <summary>A tag's value: <c>{"tag":"price_sensitive"}</c> (present), <c>{"tag":"tier","op":"==","value":"high_value"}</c>.</summary>
public sealed record TagCondition(ValueMatch Match) : JourneyCondition;

/// <summary>A value of the event that started the instance (kept in the state): <c>{"trigger":"properties.revenue",...}</c>.</summary>
public sealed record TriggerCondition(ValueMatch Match) : JourneyCondition;

/// <summary>Consent granted for marketing (or, when transactional, not withdrawn for service) on a channel.</summary>
public sealed record ConsentCondition(Channel Channel) : JourneyCondition;

/// <summary>A date trait (e.g. birthday, membershipExpiry, yyyy-MM-dd) falls within the next <see cref="WithinDays"/> days (local).</summary>
public sealed record DateCondition(string Trait, bool Annual, int WithinDays) : JourneyCondition;

public sealed record AllOfCondition(ImmutableArray<JourneyCondition> Conditions) : JourneyCondition;

public sealed record AnyOfCondition(ImmutableArray<JourneyCondition> Conditions) : JourneyCondition;

public sealed record NotCondition(JourneyCondition Condition) : JourneyCondition;

/// <summary>What a condition sees: the profile, the trigger's kept values, the instant and the customer's zone.</summary>
public readonly record struct ConditionScope(Profile Profile, ImmutableSortedDictionary<string, string> Trigger, DateTimeOffset Now, TimeZoneInfo Zone);

public static class JourneyConditions
{
    public static bool Holds(JourneyCondition condition, in ConditionScope scope)
    {
        switch (condition)
        {
            case MetricCondition m:
                return TagEngine.Holds(m.Condition, scope.Profile, scope.Now);
            case TagCondition t:
                return t.Match.Holds(scope.Profile.Tags.TryGetValue(t.Match.Path, out var tag) ? tag.Value : null);
            case TriggerCondition tr:
                return tr.Match.Holds(scope.Trigger.GetValueOrDefault(tr.Match.Path));
            case ConsentCondition c:
                return scope.Profile.Consent.TryGetValue(c.Channel.ConsentKey(transactional: false), out var consent) && consent.Granted;
            case DateCondition d:
                var today = ProfileDates.LocalDate(scope.Now, scope.Zone);
                return ProfileDates.Next(scope.Profile, d.Trait, d.Annual, today) is { } next && next.DayNumber - today.DayNumber <= d.WithinDays;
            case AllOfCondition all:
                foreach (var c in all.Conditions)
                {
                    if (!Holds(c, scope))
                    {
                        return false;
                    }
                }
                return true;
            case AnyOfCondition any:
                foreach (var c in any.Conditions)
                {
                    if (Holds(c, scope))
                    {
                        return true;
                    }
                }
                return false;
            case NotCondition not:
                return !Holds(not.Condition, scope);
            default:
                return false;
        }
    }

    /// <summary>The trigger paths a condition reads, so that the state keeps only those values of the trigger.</summary>
    public static IEnumerable<string> TriggerPaths(JourneyCondition? condition) => condition switch
    {
        TriggerCondition t => [t.Match.Path],
        AllOfCondition all => all.Conditions.SelectMany(TriggerPaths),
        AnyOfCondition any => any.Conditions.SelectMany(TriggerPaths),
        NotCondition not => TriggerPaths(not.Condition),
        _ => [],
    };
}

/// <summary>Dates kept as profile traits (yyyy-MM-dd): birthday, membershipExpiry, and any other a source sends.</summary>
public static class ProfileDates
{
    public static DateOnly LocalDate(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    public static DateOnly? Read(Profile profile, string trait) =>
        profile.Traits.TryGetValue(trait, out var text)
        && DateOnly.TryParseExact(text.Length > 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date : null;

    /// <summary>
    /// The date's next occurrence on or after <paramref name="today"/>: for an annual date (a birthday) this year's or
    /// next year's anniversary (29 February falls on 28 February in other years); otherwise the date itself, or null
    /// when it has passed or the profile has no such date.
    /// </summary>
    public static DateOnly? Next(Profile profile, string trait, bool annual, DateOnly today)
    {
        if (Read(profile, trait) is not { } date)
        {
            return null;
        }
        if (!annual)
        {
            return date >= today ? date : null;
        }
        var thisYear = Anniversary(date, today.Year);
        return thisYear >= today ? thisYear : Anniversary(date, today.Year + 1);
    }

    private static DateOnly Anniversary(DateOnly date, int year) =>
        new(year, date.Month, Math.Min(date.Day, DateTime.DaysInMonth(year, date.Month)));
}
