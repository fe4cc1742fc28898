using System.Collections.Concurrent;
using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;

namespace Lodestar.Functions.Journeys;

/// <summary>Where a journey's messages go: the channel port. The ACS email/SMS and push adapters replace this outbox.</summary>
public interface IJourneyOutbox
{
    /// <summary>Hands a message over, deduplicating on <see cref="Send.IdempotencyKey"/>.</summary>
    Task EnqueueAsync(Send message, CancellationToken cancellationToken);
}

/// <summary>A process-local ledger: for tests and a single worker; version = number of appends.</summary>
public sealed class InMemorySendLedger : ISendLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CustomerId, SendLedgerView> _ledgers = [];

    public Task<SendLedgerView> ReadAsync(CustomerId customer, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_ledgers.GetValueOrDefault(customer, SendLedgerView.Empty));
        }
    }

    public Task<bool> TryAppendAsync(CustomerId customer, long expectedVersion, IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var current = _ledgers.GetValueOrDefault(customer, SendLedgerView.Empty);
            if (entries.All(e => current.Entries.Any(c => c.MessageId == e.MessageId)))
            {
                return Task.FromResult(true);
            }
            if (current.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }
            _ledgers[customer] = new SendLedgerView(current.Entries.AddRange(entries), current.Version + 1);
            return Task.FromResult(true);
        }
    }
}

/// <summary>A process-local outbox (tests, development): one message per idempotency key, in arrival order.</summary>
public sealed class InMemoryJourneyOutbox : IJourneyOutbox
{
    private readonly ConcurrentDictionary<string, Send> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Send> _messages = new();

    public IReadOnlyList<Send> Messages => [.. _messages];

    public Task EnqueueAsync(Send message, CancellationToken cancellationToken)
    {
        if (_byKey.TryAdd(message.IdempotencyKey, message))
        {
            _messages.Enqueue(message);
        }
        return Task.CompletedTask;
    }
}
