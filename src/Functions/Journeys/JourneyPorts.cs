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
