using Lodestar.Customers;
using Lodestar.Identity;

namespace Lodestar.Engagement;

/// <summary>An engagement with one of our messages, once per provider event (<see cref="EventId"/>), for campaign metrics.</summary>
public sealed record EngagementFact(string EventId, string MessageId, EngagementKind Kind, DateTimeOffset At);

/// <summary>
/// A report the feedback loop could not place (unknown message id, customer gone), kept with its reason. It carries
/// no personal data: ids, the event type and a plain reason only.
/// </summary>
public sealed record DeadLetter(string EventId, string EventType, string Reason, string Detail, DateTimeOffset ReceivedAt);

/// <summary>Stable reasons for dead letters.</summary>
public static class DeadLetterReasons
{
    public const string UnknownMessage = "unknown-message";
    public const string UnknownCustomer = "unknown-customer";
}

/// <summary>The feedback loop's side of the customer store.</summary>
public interface IFeedbackStore
{
    /// <summary>
    /// An identifier linked to <paramref name="customer"/> (following merges), strongest kind first: the engagement event
    /// carries it so that the ingest use case attributes the event to that customer. Null when the customer is gone.
    /// </summary>
    Task<Identifier?> ContactKeyAsync(CustomerId customer, CancellationToken cancellationToken);

    /// <summary>Keeps facts and dead letters; idempotent on their event ids.</summary>
    Task RecordFeedbackAsync(IReadOnlyCollection<EngagementFact> facts, IReadOnlyCollection<DeadLetter> deadLetters, CancellationToken cancellationToken);
}
