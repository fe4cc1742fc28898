using System.Collections.Immutable;
using Lodestar.Profiles;

namespace Lodestar.Journeys.Driving;

/// <summary>
/// What one step of a persisted instance came to: its new state and wake time, the step log lines, the sends for the
/// outbox, the profile updates to perform, and the policy context as it stands after the sends (history, rate slots).
/// </summary>
public sealed record StepResult(
    JourneyState State,
    DateTimeOffset? WakeAt,
    ImmutableArray<StepLogEntry> Log,
    ImmutableArray<Send> Sends,
    ImmutableArray<UpdateProfile> Updates,
    PolicyContext Context,
    int Decisions)
{
    public StoredInstance Stored => new(State, WakeAt, State.Status == JourneyStatus.WaitingForEvent ? State.Node : null);
}

/// <summary>
/// The pure part of the persisted driver: one external input (start, wake, event) and the follow-ups the engine asks
/// for at once (a <see cref="FetchProfile"/> is answered with the profile the driver read before the step), turned into
/// what must be stored. Sends are not performed here: they become outbox rows written with the state, and their
/// results are not fed back (a decision never blocks on them).
/// </summary>
public static class JourneyStep
{
    /// <summary>Bounds the follow-ups of one input; the engine asks for one profile per wake, so a handful is normal.</summary>
    public const int MaxDecisions = 16;

    public static StepResult Run(JourneyDefinition definition, JourneyState state, JourneyInput input, DateTimeOffset now, Profile profile, PolicyContext context)
    {
        var log = ImmutableArray.CreateBuilder<StepLogEntry>();
        var sends = ImmutableArray.CreateBuilder<Send>();
        var updates = ImmutableArray.CreateBuilder<UpdateProfile>();
        JourneyInput? next = input;
        var decisions = 0;
        while (next is not null && decisions < MaxDecisions)
        {
            var decision = JourneyEngine.Decide(definition, state, next, now, context);
            decisions++;
            state = decision.State;
            log.AddRange(decision.Log);
            next = null;
            foreach (var command in decision.Commands)
            {
                switch (command)
                {
                    case FetchProfile:
                        next = new ProfileSnapshot(profile);
                        break;
                    case Send s:
                        sends.Add(s);
                        context = context with
                        {
                            History = context.History.Add(new SentMessage(s.NotBefore, s.Channel, s.Transactional, s.JourneyId, s.Campaign, s.Offer)),
                            NextFreeSlot = context.NextFreeSlot.SetItem(s.Channel, SendRate.After(s.NotBefore, s.Channel, context.Policy)),
                        };
                        break;
                    case UpdateProfile u:
                        updates.Add(u);
                        profile = Apply(profile, u, now);
                        break;
                    case WaitUntil or WaitForEvent or Complete or Exit:
                        // Carried by the state: its status and pending wait are what the driver stores.
                        break;
                    default:
                        throw new InvalidOperationException($"unknown command {command.GetType().Name}");
                }
            }
        }
        return new StepResult(state, WakeAt(state, now), log.ToImmutable(), sends.ToImmutable(), updates.ToImmutable(), context, decisions);
    }

    /// <summary>When a stored instance must be woken, from its state.</summary>
    public static DateTimeOffset? WakeAt(JourneyState state, DateTimeOffset now) => state.Status switch
    {
        JourneyStatus.WaitingForTime or JourneyStatus.WaitingForEvent => state.Wait?.Until ?? now,
        // Only after an interrupted step: wake at once and answer with a profile.
        JourneyStatus.AwaitingProfile => now,
        _ => null,
    };

    /// <summary>The input a due instance is woken with.</summary>
    public static JourneyInput WakeInput(JourneyState state, Profile profile) => state.Status switch
    {
        JourneyStatus.WaitingForEvent => WaitTimedOut.Instance,
        JourneyStatus.AwaitingProfile => new ProfileSnapshot(profile),
        _ => TimerFired.Instance,
    };

    /// <summary>The tags an <see cref="UpdateProfile"/> sets, applied to a profile (family "journey").</summary>
    public static Profile Apply(Profile profile, UpdateProfile update, DateTimeOffset now)
    {
        if (update.SetTags.IsEmpty)
        {
            return profile;
        }
        var tags = profile.Tags;
        foreach (var (tag, value) in update.SetTags)
        {
            tags = tags.SetItem(tag, new TagValue(value, "journey", now));
        }
        return profile with { Tags = tags };
    }
}
