using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Profiles;

namespace Lodestar.Journeys.Driving;

/// <summary>A published journey definition: its JSON as published, kept by id and version (versions are immutable).</summary>
public sealed record PublishedJourney(string Id, int Version, string Name, string Json, DateTimeOffset PublishedAt);

/// <summary>What becomes of a publish: stored, already there with the same JSON, or a different JSON under a taken version.</summary>
public enum PublishOutcome { Published, Unchanged, VersionTaken }

/// <summary>
/// A persisted instance: its state, and when the driver must wake it (<see cref="WakeAt"/>, null when it waits for
/// nothing timed or has finished). <see cref="AwaitedNode"/> names the node whose event filter it waits for.
/// </summary>
public sealed record StoredInstance(JourneyState State, DateTimeOffset? WakeAt, string? AwaitedNode);

/// <summary>
/// A message the driver decided to send, kept in the outbox until the dispatcher delivered it. <see cref="IdempotencyKey"/>
/// (instance:node:attempt) is unique: the same step replayed never adds a second row.
/// </summary>
public sealed record OutboxMessage(
    string IdempotencyKey,
    string MessageId,
    string InstanceId,
    CustomerId Customer,
    Channel Channel,
    string Template,
    string? Offer,
    bool Transactional,
    string JourneyId,
    string Campaign,
    string Node,
    DateTimeOffset NotBefore,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt = null)
{
    public static OutboxMessage From(Send send, CustomerId customer, string instanceId, DateTimeOffset now) => new(
        send.IdempotencyKey, send.MessageId, instanceId, customer, send.Channel, send.Template, send.Offer, send.Transactional,
        send.JourneyId, send.Campaign, send.Node, send.NotBefore, now);
}

/// <summary>An accepted event as the store holds it, with its position in the event feed.</summary>
public sealed record FedEvent(long Seq, CustomerId Customer, CustomerEvent Event);

/// <summary>
/// Everything one driver round changed, written in ONE transaction: instance states with their wake times, the step log
/// lines, the outbox rows the decisions produced, and how far the driver has read the event feed. A crash leaves either
/// all of it or none of it.
/// </summary>
public sealed record JourneyChanges(
    ImmutableArray<StoredInstance> Instances,
    ImmutableArray<StepLogEntry> Log,
    ImmutableArray<OutboxMessage> Outbox,
    long? FeedCursor = null)
{
    /// <summary>Segment memberships the driver saw change (segment-entry journeys enter on a change to member).</summary>
    public ImmutableArray<SegmentMember> Members { get; init; } = [];

    /// <summary>Schedule-entry journeys whose tick this round finished, with their next tick.</summary>
    public ImmutableArray<ScheduleTick> Ticks { get; init; } = [];

    public bool IsEmpty => Instances.IsEmpty && Log.IsEmpty && Outbox.IsEmpty && FeedCursor is null && Members.IsEmpty && Ticks.IsEmpty;
}

/// <summary>Whether a customer is, as the driver last saw them, in the segment of a segment-entry journey.</summary>
public sealed record SegmentMember(string JourneyId, CustomerId Customer, bool Member);

/// <summary>When a schedule-entry journey next enters its audience.</summary>
public sealed record ScheduleTick(string JourneyId, DateTimeOffset Next);

/// <summary>A customer's instances and step log, for support people.</summary>
public sealed record CustomerJourneys(CustomerId Customer, ImmutableArray<StoredInstance> Instances, ImmutableArray<StepLogEntry> Log);

/// <summary>
/// The persisted driver's port: definitions, instances, the per-customer step log, the outbox and the event feed the
/// driver tails. Implemented by the SQLite store (standalone host); a Cosmos implementation belongs with the Functions
/// host, which uses Durable state instead today.
/// </summary>
public interface IJourneyStore
{
    Task<PublishOutcome> PublishAsync(PublishedJourney journey, CancellationToken cancellationToken);

    /// <summary>Every published version, oldest first.</summary>
    Task<IReadOnlyList<PublishedJourney>> DefinitionsAsync(CancellationToken cancellationToken);

    /// <summary>Every instance (active and finished) of these customers.</summary>
    Task<IReadOnlyList<StoredInstance>> InstancesAsync(IReadOnlyCollection<CustomerId> customers, CancellationToken cancellationToken);

    /// <summary>Instances whose wake time has come, earliest first.</summary>
    Task<IReadOnlyList<StoredInstance>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>The earliest wake time of any instance, if one waits.</summary>
    Task<DateTimeOffset?> NextWakeAsync(CancellationToken cancellationToken);

    Task SaveAsync(JourneyChanges changes, CancellationToken cancellationToken);

    /// <summary>The customers' outbox messages created since <paramref name="since"/> (their send history for the policy).</summary>
    Task<IReadOnlyList<OutboxMessage>> HistoryAsync(IReadOnlyCollection<CustomerId> customers, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Messages not yet delivered whose time has come, in the order they were written.</summary>
    Task<IReadOnlyList<OutboxMessage>> UnsentAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    Task MarkSentAsync(IReadOnlyCollection<string> idempotencyKeys, DateTimeOffset at, CancellationToken cancellationToken);

    Task<CustomerJourneys> CustomerAsync(CustomerId customer, int maxLogLines, CancellationToken cancellationToken);

    /// <summary>How far the driver has read the event feed; on first use, the feed's current end (history triggers nothing).</summary>
    Task<long> FeedCursorAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<FedEvent>> EventsAfterAsync(long seq, int limit, CancellationToken cancellationToken);

    /// <summary>The segment-entry journeys these customers are members of, as the driver last recorded it.</summary>
    Task<IReadOnlyList<SegmentMember>> MembersAsync(IReadOnlyCollection<CustomerId> customers, CancellationToken cancellationToken);

    /// <summary>The next tick of every schedule-entry journey that has one.</summary>
    Task<IReadOnlyList<ScheduleTick>> TicksAsync(CancellationToken cancellationToken);

    /// <summary>Profiles in customer-id order after <paramref name="after"/> (empty string: from the start), a page at a time.</summary>
    Task<IReadOnlyList<Profile>> ProfilesAfterAsync(string after, int limit, CancellationToken cancellationToken);
}
