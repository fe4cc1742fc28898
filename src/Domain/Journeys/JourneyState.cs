using System.Collections.Immutable;
using Lodestar.Customers;

namespace Lodestar.Journeys;

/// <summary>Where an instance is in its life.</summary>
public enum JourneyStatus
{
    /// <summary>Admitted, waiting for its <see cref="Started"/> input.</summary>
    Created = 0,
    /// <summary>Waiting for a time (delay, wait-until, a deferred send): resumes on <see cref="TimerFired"/>.</summary>
    WaitingForTime = 1,
    /// <summary>Waiting for an event until a time-out: resumes on <see cref="EventArrived"/> or <see cref="WaitTimedOut"/>.</summary>
    WaitingForEvent = 2,
    /// <summary>Woken; asked for a fresh profile (<see cref="FetchProfile"/>) and resumes on <see cref="ProfileSnapshot"/>.</summary>
    AwaitingProfile = 3,
    Completed = 4,
    Exited = 5,
}

/// <summary>
/// What an instance is waiting for and until when. <see cref="Deferred"/>: the wait holds back a send (quiet hours, best
/// time), so the send node runs again on waking.
/// </summary>
public sealed record PendingWait(DateTimeOffset Until, bool Deferred = false);

/// <summary>The last message an instance sent, so that a <see cref="SendResult"/> can be matched to its step.</summary>
public sealed record LastSend(string MessageId, string Node, Channel Channel);

/// <summary>
/// One journey instance: small, serialisable, and all that a driver persists between steps. It names the definition
/// version it runs on (an instance finishes on the version it started on), the node it is at, what it waits for, when it
/// entered, its business key, the values of the trigger that later conditions read, and per-node send attempts (from
/// which message ids derive).
/// </summary>
public sealed record JourneyState
{
    public required string JourneyId { get; init; }

    public required int Version { get; init; }

    public required string InstanceId { get; init; }

    public required CustomerId Customer { get; init; }

    public string? BusinessKey { get; init; }

    public JourneyStatus Status { get; init; }

    /// <summary>The node the instance waits at, or (awaiting a profile) the node it runs next; null before start and at the end.</summary>
    public string? Node { get; init; }

    public PendingWait? Wait { get; init; }

    public DateTimeOffset EnteredAt { get; init; }

    /// <summary>When the send at <see cref="Node"/> was first held back; a deferral older than the policy's limit is dropped.</summary>
    public DateTimeOffset? DeferredSince { get; init; }

    public DateTimeOffset? GoalReachedAt { get; init; }

    /// <summary>Why the instance completed or exited.</summary>
    public string? Reason { get; init; }

    public ImmutableSortedDictionary<string, string> Trigger { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ImmutableSortedDictionary<string, int> SendAttempts { get; init; } = ImmutableSortedDictionary<string, int>.Empty;

    public LastSend? LastSend { get; init; }

    /// <summary>Decisions taken so far (a driver may use it to bound histories, e.g. ContinueAsNew).</summary>
    public int Steps { get; init; }

    public bool IsFinished => Status is JourneyStatus.Completed or JourneyStatus.Exited;

    /// <summary>A new instance before its <see cref="Started"/> input.</summary>
    public static JourneyState Create(JourneyDefinition definition, string instanceId, CustomerId customer, string? businessKey = null) => new()
    {
        JourneyId = definition.Id,
        Version = definition.Version,
        InstanceId = instanceId,
        Customer = customer,
        BusinessKey = businessKey,
        Status = JourneyStatus.Created,
    };
}
