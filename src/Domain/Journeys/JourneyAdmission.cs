using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Profiles;

namespace Lodestar.Journeys;

/// <summary>An instance a customer had of a journey, as the driver remembers it for re-entry rules.</summary>
public sealed record InstanceSummary(string InstanceId, string? BusinessKey, DateTimeOffset EnteredAt, bool Finished);

/// <summary>The answer to "may this customer enter now?". A closed hierarchy.</summary>
public abstract record Admission;

/// <summary>Enter: start <see cref="State"/> with <see cref="Started"/>.</summary>
public sealed record Admitted(JourneyState State) : Admission;

public sealed record Refused(string Reason) : Admission;

/// <summary>
/// Entry rules, pure, for drivers: whether an event triggers a journey, and whether a customer may enter given the
/// instances they had. The instance id derives from (journey, customer, entry key), where the entry key is the
/// business key, else the trigger's message id, else the entry instant: a redelivered trigger finds its instance and
/// starts nothing.
/// </summary>
public static class JourneyAdmission
{
    /// <summary>The refusal of a trigger (or entry key) that already started its instance: a redelivery, harmless.</summary>
    public const string AlreadyStarted = "this trigger already started an instance";

    /// <summary>Whether a profile is in a segment: tag <c>segment:&lt;id&gt;</c> = true, or the tier tag equal to the id.</summary>
    public static bool InSegment(Profile profile, string segment) => SimulationOptions.DefaultInSegment(profile, segment);

    /// <summary>Whether <paramref name="e"/> starts an instance of an event-entry journey (before re-entry rules).</summary>
    public static bool Triggers(JourneyDefinition definition, CustomerEvent e) =>
        definition.Entry is EventEntry entry && entry.Event.Matches(e);

    /// <summary>
    /// Whether the entry condition (<see cref="JourneyEntry.When"/>) admits this customer now: a driver asks before
    /// admitting, so that customers it excludes neither start an instance nor use up their re-entry allowance. The
    /// engine checks it again on <see cref="Started"/>.
    /// </summary>
    public static bool Eligible(JourneyDefinition definition, Profile profile, CustomerEvent? trigger, DateTimeOffset now, ThrottlePolicy policy)
    {
        if (definition.Entry.When is not { } when)
        {
            return true;
        }
        var facts = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        if (trigger is not null)
        {
            foreach (var path in JourneyConditions.TriggerPaths(when))
            {
                if (EventPath.Read(trigger, path) is { } value)
                {
                    facts = facts.SetItem(path, value);
                }
            }
        }
        return JourneyConditions.Holds(when, new ConditionScope(profile, facts, now, LocalTime.ZoneOf(profile, policy)));
    }

    /// <summary>
    /// Whether the customer may enter now, given their instances of this journey. <paramref name="businessKey"/>, when
    /// given (an API entry names its key), takes the place of the key read from the trigger.
    /// </summary>
    public static Admission Admit(
        JourneyDefinition definition,
        CustomerId customer,
        CustomerEvent? trigger,
        DateTimeOffset now,
        IReadOnlyCollection<InstanceSummary> previous,
        string? businessKey = null)
    {
        var key = businessKey ?? (definition.BusinessKey is { } path && trigger is not null ? EventPath.Read(trigger, path) : null);
        var entryKey = key ?? trigger?.MessageId ?? now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var instanceId = JourneyIds.Instance(definition.Id, customer, entryKey);
        foreach (var p in previous)
        {
            if (p.InstanceId == instanceId)
            {
                return new Refused(AlreadyStarted);
            }
        }
        switch (definition.ReEntry)
        {
            case NeverReEnter when previous.Count > 0:
                return new Refused("already entered this journey (re-entry: never)");
            case ReEnterAfter after:
                foreach (var p in previous)
                {
                    if (!p.Finished)
                    {
                        return new Refused("an instance is still active (re-entry: after a cool-down)");
                    }
                    if (p.EnteredAt + after.Cooldown > now)
                    {
                        return new Refused($"in cool-down until {JourneyText.Instant(p.EnteredAt + after.Cooldown)}");
                    }
                }
                break;
            case ReEnterWithDistinctKey:
                if (key is null)
                {
                    return new Refused($"the trigger has no business key at {definition.BusinessKey ?? "(none defined)"}");
                }
                foreach (var p in previous)
                {
                    if (p.BusinessKey == key)
                    {
                        return new Refused($"business key {key} already had an instance");
                    }
                }
                break;
        }
        return new Admitted(JourneyState.Create(definition, instanceId, customer, key));
    }
}
