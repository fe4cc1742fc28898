using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Cosmos;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Tags;
using Lodestar.Tests.Support;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Tests.Store;

/// <summary>
/// What the Cosmos store does instead of a transaction (the stand-in has no TransactionalBatch, and a batch spans
/// customers anyway): a crash between an event and its profile update, and two writers on one profile.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosStoreRecoveryTests(CosmosServer server) : IAsyncLifetime
{
    private static readonly Cleaner Cleaner = new(Samples.Pii, CleaningOptions.Default);
    private string? _database;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Database => _database ?? throw new InvalidOperationException("not initialised");

    public async ValueTask InitializeAsync()
    {
        server.SkipIfUnavailable();
        _database = await server.NewDatabaseAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database);
        }
    }

    /// <summary>A store as one process holds it (its own version cache), over the shared test database.</summary>
    private CosmosStore NewProcess() => new(server.Client, Database);

    private static IngestEvents Ingest(CosmosStore store) => new(store, TagRuleSet.Default, new FixedTimeProvider(Samples.Now));

    private static CustomerId CustomerOf(string member) => CustomerId.DerivedFrom(Samples.Pii.Protect(IdKind.Member, member).GraphKey);

    private static CleanResult Viewed(string messageId, string member, int minute) => Cleaner.Clean(new RawEvent
    {
        MessageId = messageId,
        Type = EventType.Track,
        Name = "Product Viewed",
        Source = "web",
        Ids = [new RawIdentifier(IdKind.Member, member)],
        Timestamp = Samples.T0.AddMinutes(minute),
        // Distinct content, so that no event is taken for a near-duplicate of another.
        Properties = ImmutableSortedDictionary<string, JsonElement>.Empty.Add("n", JsonSerializer.SerializeToElement(messageId)),
    }, Samples.Now);

    private async Task<List<string>> EventsOf(CustomerId customer) =>
        [.. (await server.EventsOfAsync(Database, customer.Value, Ct)).Order(StringComparer.Ordinal)];

    private async Task<bool> HasPendingCommit(CustomerId customer)
    {
        using var r = await server.Client.GetDatabase(Database).GetContainer(CosmosLayout.Profiles).ReadItemStreamAsync(customer.Value, new PartitionKey(customer.Value), cancellationToken: Ct);
        r.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(r.Content, cancellationToken: Ct);
        return json.RootElement.TryGetProperty("pending", out _);
    }

    [Fact]
    public async Task Redelivery_AfterOnlyTheEventDocumentWasWritten_FoldsTheEventExactlyOnce()
    {
        var store = NewProcess();
        var customer = CustomerOf("M-crash-1");
        await Ingest(store).IngestAsync([Viewed("crash1-e1", "M-crash-1", 1)], Ct);
        var second = Viewed("crash1-e2", "M-crash-1", 2);
        // The crash: the event document is in its partition, the profile never heard of it.
        using (var body = Documents.Event(customer, second.Event))
        using (var r = await server.Client.GetDatabase(Database).GetContainer(CosmosLayout.Events).CreateItemStreamAsync(body, new PartitionKey(customer.Value), cancellationToken: Ct))
        {
            r.EnsureSuccessStatusCode();
        }

        var redelivered = await Ingest(NewProcess()).IngestAsync([second], Ct);
        var version = (await store.GetAsync(customer, Ct))!.Version;
        var again = await Ingest(NewProcess()).IngestAsync([second], Ct);

        Assert.Equal(Outcome.Accepted, Assert.Single(redelivered.Items).Outcome);
        Assert.Equal(Outcome.Duplicate, Assert.Single(again.Items).Outcome);
        var profile = (await store.GetAsync(customer, Ct))!;
        Assert.Equal(2, profile.Counters.Events);
        Assert.Equal(version, profile.Version);
        Assert.Equal(["crash1-e1", "crash1-e2"], await EventsOf(customer));
    }

    [Fact]
    public async Task Redelivery_AfterACrashAtTheCommitPoint_FoldsTheEventExactlyOnce()
    {
        var customer = CustomerOf("M-crash-2");
        await Ingest(NewProcess()).IngestAsync([Viewed("crash2-e1", "M-crash-2", 1)], Ct);
        var second = Viewed("crash2-e2", "M-crash-2", 2);
        // The crash: the profile (with the commit it carries) is written, nothing after it.
        await Ingest(new CosmosStore(server.Client, Database) { StopAfterCommitPoint = true }).IngestAsync([second], Ct);
        Assert.True(await HasPendingCommit(customer));
        Assert.Equal(["crash2-e1"], await EventsOf(customer));

        var redelivered = await Ingest(NewProcess()).IngestAsync([second], Ct);

        Assert.Equal(Outcome.Duplicate, Assert.Single(redelivered.Items).Outcome);
        Assert.False(await HasPendingCommit(customer));
        Assert.Equal(2, (await NewProcess().GetAsync(customer, Ct))!.Counters.Events);
        Assert.Equal(["crash2-e1", "crash2-e2"], await EventsOf(customer));
    }

    [Fact]
    public async Task Redelivery_AfterACrashAtTheCommitPointOfANewCustomer_FindsTheCustomerAndFoldsOnce()
    {
        // Nothing links the new customer's identifiers yet (the links are part of the cut-short commit): the redelivery
        // decides the customer is new, its create meets the existing profile, finishes that commit and decides again.
        var customer = CustomerOf("M-crash-3");
        var first = Viewed("crash3-e1", "M-crash-3", 1);
        await Ingest(new CosmosStore(server.Client, Database) { StopAfterCommitPoint = true }).IngestAsync([first], Ct);
        Assert.True(await HasPendingCommit(customer));

        var redelivered = await Ingest(NewProcess()).IngestAsync([first], Ct);

        Assert.Equal(Outcome.Duplicate, Assert.Single(redelivered.Items).Outcome);
        var store = NewProcess();
        Assert.Equal(1, (await store.GetAsync(customer, Ct))!.Counters.Events);
        Assert.Equal(customer, await store.FindAsync(Samples.Pii.Protect(IdKind.Member, "M-crash-3").GraphKey, Ct));
        Assert.Equal(["crash3-e1"], await EventsOf(customer));
    }

    [Fact]
    public async Task Read_AfterACrashAtTheCommitPoint_FinishesTheCommit()
    {
        var customer = CustomerOf("M-crash-4");
        await Ingest(new CosmosStore(server.Client, Database) { StopAfterCommitPoint = true }).IngestAsync([Viewed("crash4-e1", "M-crash-4", 1)], Ct);

        var profile = await NewProcess().GetAsync(customer, Ct);

        Assert.Equal(1, profile!.Counters.Events);
        Assert.False(await HasPendingCommit(customer));
        Assert.Equal(["crash4-e1"], await EventsOf(customer));
        var snapshot = await NewProcess().LoadAsync(new IngestKeys(["crash4-e1"], [], []), Ct);
        Assert.Equal(["crash4-e1"], snapshot.KnownMessageIds);
    }

    [Fact]
    public async Task Commit_OverAVersionAnotherProcessReplaced_Gets412AndThrowsConflictWithoutWriting()
    {
        var customer = CustomerOf("M-race-1");
        await Ingest(NewProcess()).IngestAsync([Viewed("race1-e1", "M-race-1", 1)], Ct);
        var (a, b) = (NewProcess(), NewProcess());
        var keys = new IngestKeys([], [], [Samples.Pii.Protect(IdKind.Member, "M-race-1").GraphKey]);
        var readByA = (await a.LoadAsync(keys, Ct)).Profiles[customer];
        var readByB = (await b.LoadAsync(keys, Ct)).Profiles[customer];
        var eventA = Viewed("race1-a", "M-race-1", 2).Event;
        var eventB = Viewed("race1-b", "M-race-1", 3).Event;
        IngestChanges Changes(Lodestar.Profiles.Profile read, CustomerEvent e) =>
            new([new StoredEvent(customer, e)], [], [], [], [Lodestar.Profiles.ProfileFold.Apply(read, e)], []);

        await a.CommitAsync(Changes(readByA, eventA), Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => b.CommitAsync(Changes(readByB, eventB), Ct));

        // B wrote over the ETag it had read (no read before the write), and the 412 sent it to check the version.
        Assert.Equal(1, b.PreconditionFailures);
        Assert.Equal(0, a.PreconditionFailures);
        Assert.Equal(2, (await NewProcess().GetAsync(customer, Ct))!.Counters.Events);
        Assert.Equal(["race1-a", "race1-e1"], await EventsOf(customer));
    }

    [Fact]
    public async Task TwoProcesses_IngestingOneCustomerAtOnce_FoldEveryEventExactlyOnce()
    {
        const int perWriter = 8;
        var customer = CustomerOf("M-race-2");
        await Ingest(NewProcess()).IngestAsync([Viewed("race2-e0", "M-race-2", 0)], Ct);
        var writers = new[] { NewProcess(), NewProcess() };

        // Each writer ingests its events one batch at a time; a batch that still conflicts after the use case's own
        // retries fails, and is delivered again, as Event Hubs would.
        var runs = writers.Select((store, w) => Task.Run(async () =>
        {
            var ingest = Ingest(store);
            for (var i = 1; i <= perWriter; i++)
            {
                var e = Viewed($"race2-w{w}-{i}", "M-race-2", (w * 100) + i);
                for (var delivery = 1; ; delivery++)
                {
                    try
                    {
                        await ingest.IngestAsync([e], Ct);
                        break;
                    }
                    catch (ConcurrencyConflictException) when (delivery < 20)
                    {
                    }
                }
            }
        }, Ct)).ToArray();
        await Task.WhenAll(runs);

        var profile = (await NewProcess().GetAsync(customer, Ct))!;
        Assert.Equal(1 + (2 * perWriter), profile.Counters.Events);
        Assert.Equal(1 + (2 * perWriter), profile.Version);
        var events = await EventsOf(customer);
        Assert.Equal(1 + (2 * perWriter), events.Count);
        Assert.Equal(events.Count, events.Distinct().Count());
        TestContext.Current.SendDiagnosticMessage($"412s seen by the two writers: {writers.Sum(s => s.PreconditionFailures)}");
    }

    [Fact]
    public async Task Commit_WithOneOfTwoProfilesStale_KeepsTheOtherPartAndTheRetryFoldsNothingTwice()
    {
        var (a, b) = (CustomerOf("M-two-a"), CustomerOf("M-two-b"));
        await Ingest(NewProcess()).IngestAsync([Viewed("two-a1", "M-two-a", 1), Viewed("two-b1", "M-two-b", 2)], Ct);
        var batch = new[] { Viewed("two-a2", "M-two-a", 3), Viewed("two-b2", "M-two-b", 4) };
        var writer = NewProcess();
        var snapshot = await writer.LoadAsync(new IngestKeys([], [], [.. new[] { "M-two-a", "M-two-b" }.Select(m => Samples.Pii.Protect(IdKind.Member, m).GraphKey)]), Ct);
        // Another process saves B after the writer read it.
        var other = NewProcess();
        var readB = (await other.GetAsync(b, Ct))!;
        Assert.Empty(await other.SaveAsync([readB with { Traits = readB.Traits.SetItem("tier", "gold") }], Ct));
        var changes = new IngestChanges(
            [new StoredEvent(a, batch[0].Event), new StoredEvent(b, batch[1].Event)], [], [], [],
            [Lodestar.Profiles.ProfileFold.Apply(snapshot.Profiles[a], batch[0].Event), Lodestar.Profiles.ProfileFold.Apply(snapshot.Profiles[b], batch[1].Event)], []);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => writer.CommitAsync(changes, Ct));
        // Each customer's part is atomic on its own: A's is committed and complete, none of B's is.
        Assert.Equal(["two-a1", "two-a2"], await EventsOf(a));
        Assert.Equal(["two-b1"], await EventsOf(b));
        var retried = await Ingest(writer).IngestAsync(batch, Ct);

        Assert.Equal([Outcome.Duplicate, Outcome.Accepted], retried.Items.Select(i => i.Outcome));
        Assert.Equal(2, (await NewProcess().GetAsync(a, Ct))!.Counters.Events);
        var profileB = (await NewProcess().GetAsync(b, Ct))!;
        Assert.Equal(2, profileB.Counters.Events);
        Assert.Equal("gold", profileB.Traits["tier"]);
        Assert.Equal(["two-b1", "two-b2"], await EventsOf(b));
    }

    [Fact]
    public async Task Redelivery_AfterACrashAtTheCommitPointOfAMerge_CompletesTheMergeOnce()
    {
        var survivor = CustomerOf("M-merge");
        var device = Samples.Pii.Protect(IdKind.Anonymous, "anon-merge");
        var merged = CustomerId.DerivedFrom(device.GraphKey);
        CleanResult Anonymous(string messageId, int minute, EventType type, params RawIdentifier[] ids) => Cleaner.Clean(new RawEvent
        {
            MessageId = messageId,
            Type = type,
            Name = type == EventType.Track ? "Product Viewed" : null,
            Source = "web",
            Ids = [.. ids],
            Timestamp = Samples.T0.AddMinutes(minute),
            Properties = ImmutableSortedDictionary<string, JsonElement>.Empty.Add("n", JsonSerializer.SerializeToElement(messageId)),
        }, Samples.Now);
        await Ingest(NewProcess()).IngestAsync([Viewed("merge-e1", "M-merge", 1)], Ct);
        await Ingest(NewProcess()).IngestAsync([Anonymous("merge-e2", 2, EventType.Track, new RawIdentifier(IdKind.Anonymous, "anon-merge"))], Ct);
        var identify = Anonymous("merge-identify", 3, EventType.Identify, new RawIdentifier(IdKind.Member, "M-merge"), new RawIdentifier(IdKind.Anonymous, "anon-merge"));
        Assert.False(identify.Quarantined);
        var cut = await Ingest(new CosmosStore(server.Client, Database) { StopAfterCommitPoint = true }).IngestAsync([identify], Ct);
        Assert.Equal(1, cut.Merges);
        Assert.Equal(["merge-e1"], await EventsOf(survivor));

        var redelivered = await Ingest(NewProcess()).IngestAsync([identify], Ct);

        Assert.Equal(Outcome.Duplicate, Assert.Single(redelivered.Items).Outcome);
        var store = NewProcess();
        var profile = (await store.GetAsync(merged, Ct))!;
        Assert.Equal(survivor, profile.Id);
        Assert.Equal(3, profile.Counters.Events);
        Assert.Equal(survivor, await store.FindAsync(device.GraphKey, Ct));
        Assert.Equal(["merge-e1", "merge-e2", "merge-identify"], await EventsOf(survivor));
        Assert.Empty(await EventsOf(merged));
        Assert.Equal(survivor, Assert.Single(await store.MergesAsync(merged, Ct)).Survivor);
        Assert.DoesNotContain(merged, await store.ReadAllAsync(Ct).Select(p => p.Id).ToListAsync(Ct));
    }
}
