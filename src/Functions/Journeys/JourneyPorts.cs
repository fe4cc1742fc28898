using System.Collections.Concurrent;
using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Journeys;

namespace Lodestar.Functions.Journeys;

/// <summary>A message in a customer's send ledger: what the policy counts, and the id that makes a retried append harmless.</summary>
public sealed record LedgerEntry(string MessageId, SentMessage Message);

/// <summary>A customer's send ledger as read: every journey's sends and the version an append must name.</summary>
public sealed record SendLedgerView(ImmutableArray<LedgerEntry> Entries, long Version)
{
    public static readonly SendLedgerView Empty = new([], 0);

    public ImmutableArray<SentMessage> History => [.. Entries.Select(e => e.Message)];
}

/// <summary>
/// The throttling state that every journey instance of a customer shares (docs/adr/0004): read with a version, appended
/// only if nobody appended since (optimistic concurrency). The Cosmos DB adapter implements it with the document's ETag.
/// </summary>
public interface ISendLedger
{
    Task<SendLedgerView> ReadAsync(CustomerId customer, CancellationToken cancellationToken);

    /// <summary>
    /// Appends when the ledger is still at <paramref name="expectedVersion"/>; returns false when another instance appended
    /// meanwhile. An append whose messages are all there already is a replay and answers true.
    /// </summary>
    Task<bool> TryAppendAsync(CustomerId customer, long expectedVersion, IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken);
}

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

/// <summary>The published journeys that events may start, with their JSON (an orchestration carries its version's JSON).</summary>
public sealed class JourneyCatalog(IEnumerable<string> definitionsJson)
{
    public ImmutableArray<(JourneyDefinition Definition, string Json)> Journeys { get; } = [.. definitionsJson.Select(json => (Parse(json), json))];

    public static JourneyDefinition Parse(string json)
    {
        var parsed = JourneyReader.Parse(json);
        return parsed.IsValid && parsed.Value is { } definition
            ? definition
            : throw new InvalidOperationException("invalid journey definition: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Pointer} {e.Message}")));
    }

    /// <summary>Every <c>*.json</c> journey in a folder (the schema and the template list excepted).</summary>
    public static JourneyCatalog FromDirectory(string? path) => new(
        path is null || !Directory.Exists(path)
            ? []
            : Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal)
                .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal) && Path.GetFileName(f) != "templates.json")
                .Select(File.ReadAllText));
}
