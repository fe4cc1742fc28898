using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Profiles;

namespace Lodestar.Journeys;

/// <summary>What happened to an instance. A closed hierarchy; the engine answers every input in every state.</summary>
public abstract record JourneyInput;

/// <summary>The instance starts: the trigger event (null for segment, schedule and API entries) and the customer's profile.</summary>
public sealed record Started(CustomerEvent? Trigger, Profile Profile) : JourneyInput;

/// <summary>The time the instance waits until has come.</summary>
public sealed record TimerFired : JourneyInput
{
    public static readonly TimerFired Instance = new();
}

/// <summary>An event of the customer's: resumes a wait for it, reaches the goal, or meets an exit criterion.</summary>
public sealed record EventArrived(CustomerEvent Event) : JourneyInput;

/// <summary>A wait for an event reached its time-out.</summary>
public sealed record WaitTimedOut : JourneyInput
{
    public static readonly WaitTimedOut Instance = new();
}

public enum SendOutcome
{
    Delivered = 0,
    Failed = 1,
    /// <summary>The sender refused it (no address, provider rejection): no retry will help.</summary>
    Rejected = 2,
}

/// <summary>What became of a message the instance sent.</summary>
public sealed record SendResult(string MessageId, SendOutcome Outcome, string? Detail = null) : JourneyInput;

/// <summary>The customer's current profile, answering <see cref="FetchProfile"/> (or pushed after a consent change).</summary>
public sealed record ProfileSnapshot(Profile Profile) : JourneyInput;

/// <summary>What a driver must do. A closed hierarchy: perform every command of a decision, in order.</summary>
public abstract record JourneyCommand;

/// <summary>Wake the instance with <see cref="TimerFired"/> at <see cref="At"/>.</summary>
public sealed record WaitUntil(DateTimeOffset At) : JourneyCommand;

/// <summary>Deliver the first matching event with <see cref="EventArrived"/>, or <see cref="WaitTimedOut"/> at <see cref="Until"/>.</summary>
public sealed record WaitForEvent(EventFilter Filter, DateTimeOffset Until) : JourneyCommand;

/// <summary>Read the customer's profile and answer with <see cref="ProfileSnapshot"/>.</summary>
public sealed record FetchProfile(CustomerId Customer) : JourneyCommand;

/// <summary>
/// Send a message, not before <see cref="NotBefore"/> (the channel's rate-limit slot). <see cref="MessageId"/> and
/// <see cref="IdempotencyKey"/> derive from (instance, node, attempt): a replayed or retried step sends the same message
/// again, and the sender drops it as a duplicate.
/// </summary>
public sealed record Send(
    string MessageId,
    Channel Channel,
    string Template,
    string? Offer,
    CustomerId Recipient,
    string IdempotencyKey,
    bool Transactional,
    DateTimeOffset NotBefore,
    string JourneyId,
    string Campaign,
    string Node) : JourneyCommand;

/// <summary>Set tags on the customer's profile and/or record an offer as given.</summary>
public sealed record UpdateProfile(CustomerId Customer, ImmutableSortedDictionary<string, string> SetTags, string? RecordOffer, string JourneyId) : JourneyCommand;

/// <summary>The instance reached the end of its path (or its goal node's end).</summary>
public sealed record Complete(string Reason) : JourneyCommand;

/// <summary>The instance ended early: an exit criterion, an exit node, its maximum duration, a holdout.</summary>
public sealed record Exit(string Reason) : JourneyCommand;

/// <summary>What a step did, for the per-customer step log.</summary>
public enum StepOutcome
{
    Started,
    NotEligible,
    Waiting,
    Resumed,
    EventMatched,
    TimedOut,
    Branched,
    Sent,
    Suppressed,
    Deferred,
    ProfileUpdated,
    GoalReached,
    Delivered,
    DeliveryFailed,
    Completed,
    Exited,
    Ignored,
}

/// <summary>
/// One line of the step log, readable by a support person: when, which instance and node, what happened, why a message
/// was held back or suppressed (<see cref="Reason"/> is a stable code such as <c>frequency-cap</c>).
/// </summary>
public sealed record StepLogEntry(DateTimeOffset At, string InstanceId, string? Node, StepOutcome Outcome, string Detail, string? Reason = null)
{
    public override string ToString() =>
        $"{At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {Node ?? "-"} {Outcome}: {Detail}{(Reason is null ? "" : $" [{Reason}]")}";
}

/// <summary>The new state, the commands to perform and the step log lines of one <see cref="JourneyEngine.Decide"/>.</summary>
public sealed record Decision(JourneyState State, ImmutableArray<JourneyCommand> Commands, ImmutableArray<StepLogEntry> Log);
