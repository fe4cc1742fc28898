using System.Text;
using Azure.Core.Amqp;
using Azure.Messaging.EventHubs;
using Lodestar.Customers;
using Lodestar.EventHubs;
using Lodestar.Functions;
using Lodestar.Functions.Journeys;
using Lodestar.Ingestion;
using Lodestar.Sqlite;
using Lodestar.Tags;
using Lodestar.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Lodestar.Tests;

/// <summary>The trigger function's body over a real SQLite store; the events are built as the trigger receives them.</summary>
public sealed class IngestFromEventHubTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteStore _store;
    private readonly ListLogger<IngestFromEventHubFunction> _log = new();
    private readonly IngestFromEventHubFunction _function;

    public IngestFromEventHubTests()
    {
        _store = SqliteStore.Open(Path.Combine(_folder.Path, "store.db"));
        _function = new IngestFromEventHubFunction(new IngestEvents(_store, TagRuleSet.Default, new FixedTimeProvider(Samples.T0)),
            new JourneyTriggers(new JourneyCatalog([])), new FixedTimeProvider(Samples.T0), _log);
    }

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    /// <summary>As the trigger gets it: the AMQP message rebuilt from its bytes, with the service's annotations added.</summary>
    private static EventData Received(EventData sent, long sequenceNumber)
    {
        var message = AmqpAnnotatedMessage.FromBytes(sent.GetRawAmqpMessage().ToBytes());
        message.MessageAnnotations["x-opt-sequence-number"] = sequenceNumber;
        message.MessageAnnotations["x-opt-enqueued-time"] = Samples.T0.UtcDateTime;
        return new EventData(message);
    }

    private static EventData Malformed(string body, long sequenceNumber) =>
        Received(new EventData(Encoding.UTF8.GetBytes(body)) { MessageId = "bad-" + sequenceNumber }, sequenceNumber);

    [Fact]
    public async Task Batch_IngestsEnvelopes_AndFoldsOneCustomer()
    {
        var identify = Samples.Identify();
        EventData[] batch =
        [
            Received(EventEnvelope.ToEventData(identify), 1),
            Received(EventEnvelope.ToEventData(Samples.PosOrder()), 2),
        ];

        await _function.IngestAsync(batch, null, TestContext.Current.CancellationToken);

        var customer = CustomerId.Parse(EventHubsSink.PartitionKeyOf(identify.Event));
        var profile = await _store.GetAsync(customer, TestContext.Current.CancellationToken);
        Assert.NotNull(profile);
        Assert.Equal(2, profile.Counters.Events);
        Assert.Equal(1, profile.Counters.Orders);
        Assert.Contains(profile.Identities, i => i.Display == "139****7563");
    }

    [Fact]
    public async Task Redelivery_ChangesNothing()
    {
        EventData[] batch = [Received(EventEnvelope.ToEventData(Samples.Identify()), 1)];
        var customer = CustomerId.Parse(EventHubsSink.PartitionKeyOf(Samples.Identify().Event));

        await _function.IngestAsync(batch, null, TestContext.Current.CancellationToken);
        await _function.IngestAsync(batch, null, TestContext.Current.CancellationToken);

        var profile = await _store.GetAsync(customer, TestContext.Current.CancellationToken);
        Assert.Equal(1, profile!.Counters.Events);
        Assert.Contains(_log.Entries, e => e.Message.Contains("1 duplicates", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedEnvelope_IsDeadLetteredInTheLog_AndTheRestIngested()
    {
        EventData[] batch =
        [
            Malformed("{\"v\":1,\"event\":{\"messageId\":\"x\",\"phone\":\"" + Samples.RawPhone + "\"}}", 7),
            Received(EventEnvelope.ToEventData(Samples.Identify()), 8),
            Malformed("{\"v\":9}", 9),
        ];

        await _function.IngestAsync(batch, null, TestContext.Current.CancellationToken);

        var deadLetters = _log.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Equal(2, deadLetters.Count);
        Assert.Contains("bad-7", deadLetters[0].Message, StringComparison.Ordinal);
        Assert.Contains("sequence number 7", deadLetters[0].Message, StringComparison.Ordinal);
        Assert.Contains("unsupported envelope version 9", deadLetters[1].Message, StringComparison.Ordinal);
        Assert.All(_log.Entries, e => Assert.DoesNotContain(Samples.RawPhone, e.Message, StringComparison.Ordinal));
        var customer = CustomerId.Parse(EventHubsSink.PartitionKeyOf(Samples.Identify().Event));
        Assert.NotNull(await _store.GetAsync(customer, TestContext.Current.CancellationToken));
        Assert.Contains(_log.Entries, e => e.Message.Contains("2 dead-lettered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuarantinedEvent_IsKeptInQuarantine_NotApplied()
    {
        EventData[] batch = [Received(EventEnvelope.ToEventData(Samples.Anonymousless()), 1)];

        await _function.IngestAsync(batch, null, TestContext.Current.CancellationToken);

        Assert.Contains(_log.Entries, e => e.Message.Contains("0 accepted, 1 quarantined", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoreFailure_Escapes_SoThePlatformRetries()
    {
        var function = new IngestFromEventHubFunction(new IngestEvents(new UnavailableStore(), TagRuleSet.Default, new FixedTimeProvider(Samples.T0)),
            new JourneyTriggers(new JourneyCatalog([])), new FixedTimeProvider(Samples.T0), _log);
        EventData[] batch = [Received(EventEnvelope.ToEventData(Samples.Identify()), 1)];

        await Assert.ThrowsAsync<IOException>(() => function.IngestAsync(batch, null, TestContext.Current.CancellationToken));
    }

    /// <summary>A store whose disk or network is gone.</summary>
    private sealed class UnavailableStore : IIngestStore
    {
        public Task<IngestSnapshot> LoadAsync(IngestKeys keys, CancellationToken cancellationToken) => throw new IOException("store unavailable");

        public Task CommitAsync(IngestChanges changes, CancellationToken cancellationToken) => throw new IOException("store unavailable");
    }
}
