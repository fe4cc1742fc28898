using System.Collections.Immutable;
using Lodestar.Customers;

namespace Lodestar.Journeys.Driving;

/// <summary>A message in a customer's send ledger: what the policy counts, and the id that makes a retried append harmless.</summary>
/// <param name="MessageId">The send's derived message id; an append naming only ids already in the ledger is a replay.</param>
/// <param name="Message">What the throttling policy counts: when, on which channel, for which journey, campaign and offer.</param>
public sealed record LedgerEntry(string MessageId, SentMessage Message);

/// <summary>A customer's send ledger as read: every journey's sends and the version an append must name.</summary>
/// <param name="Entries">The sends in the order they were appended.</param>
/// <param name="Version">The number of appends so far (0: nothing sent yet); an append names it to succeed.</param>
public sealed record SendLedgerView(ImmutableArray<LedgerEntry> Entries, long Version)
{
    /// <summary>The ledger of a customer nobody has sent to.</summary>
    public static readonly SendLedgerView Empty = new([], 0);

    /// <summary>The sends as the throttling policy sees them (<see cref="PolicyContext"/> history).</summary>
    public ImmutableArray<SentMessage> History => [.. Entries.Select(e => e.Message)];
}

/// <summary>
/// The throttling state that every journey instance of a customer shares (docs/adr/0004): read with a version, appended
/// only if nobody appended since (optimistic concurrency). The Cosmos DB adapter implements it with the document's ETag.
/// </summary>
public interface ISendLedger
{
    /// <summary>The customer's ledger with its version; <see cref="SendLedgerView.Empty"/> when nothing was sent.</summary>
    Task<SendLedgerView> ReadAsync(CustomerId customer, CancellationToken cancellationToken);

    /// <summary>
    /// Appends when the ledger is still at <paramref name="expectedVersion"/>; returns false when another instance appended
    /// meanwhile. An append whose messages are all there already is a replay and answers true.
    /// </summary>
    Task<bool> TryAppendAsync(CustomerId customer, long expectedVersion, IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);
}
