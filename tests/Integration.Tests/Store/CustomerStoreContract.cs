using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Tags;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Store;

/// <summary>The customer store as the ingest use case and the profile endpoints see it: both ports of one store.</summary>
public sealed record StoreUnderTest(IIngestStore Ingest, IProfileStore Profiles);

/// <summary>
/// The contract every customer store keeps (SQLite now, Cosmos DB later): what a commit makes known, merges, optimistic
/// concurrency, paging, erasure. A store adapter's test class derives from this and supplies a fresh, empty store per
/// test plus one probe of its own storage (the events of a customer), which the ports deliberately do not expose.
/// </summary>
public abstract class CustomerStoreContract : IAsyncLifetime
{
    private StoreUnderTest? _store;

    protected StoreUnderTest Store => _store ?? throw new InvalidOperationException("not initialised");

    private IIngestStore Ingest => Store.Ingest;

    private IProfileStore Profiles => Store.Profiles;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty store; disposed (and its storage removed) in <see cref="DisposeStoreAsync"/>.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync(CancellationToken cancellationToken);

    protected abstract ValueTask DisposeStoreAsync();

    /// <summary>The message ids of the events stored under <paramref name="customer"/>, read from the storage itself.</summary>
    protected abstract Task<IReadOnlyList<string>> EventsOfAsync(CustomerId customer, CancellationToken cancellationToken);

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await DisposeStoreAsync();
        GC.SuppressFinalize(this);
    }

    // ---- builders: a customer's identifiers and events, folded into its profile the way the ingest use case folds them

    protected static Identifier Member(string id) => Samples.Pii.Protect(IdKind.Member, id);

    protected static Identifier Phone(string e164) => Samples.Pii.Protect(IdKind.Phone, e164);

    protected static Identifier Anonymous(string id) => Samples.Pii.Protect(IdKind.Anonymous, id);

    protected static CustomerEvent Viewed(string messageId, DateTimeOffset at, params Identifier[] ids) => new()
    {
        MessageId = messageId,
        Type = EventType.Track,
        Name = "Product Viewed",
        Source = "web",
        Ids = [.. ids],
        Timestamp = at,
    };

    protected static string FingerprintOf(CustomerEvent e) => Fingerprint.Exact(Fingerprint.Content(e), e.Timestamp);

    /// <summary>The changes that create customer <paramref name="id"/> from <paramref name="events"/> (all carrying its identifiers).</summary>
    protected static IngestChanges NewCustomer(CustomerId id, IReadOnlyList<CustomerEvent> events)
    {
        var profile = events.Aggregate(ProfileFold.Start(id, events[0].Timestamp), ProfileFold.Apply);
        var ids = events.SelectMany(e => e.Ids).Distinct().ToList();
        return new IngestChanges(
            [.. events.Select(e => new StoredEvent(id, e))], [],
            [.. ids.Select(i => (i.GraphKey, id, i))], [], [profile], [.. events.Select(FingerprintOf)]);
    }

    protected static CustomerId IdOf(Identifier seed) => CustomerId.DerivedFrom(seed.GraphKey);

    private static IngestKeys Keys(IEnumerable<string>? messages = null, IEnumerable<string>? fingerprints = null, IEnumerable<string>? graphKeys = null) =>
        new([.. messages ?? []], [.. fingerprints ?? []], [.. graphKeys ?? []]);

    private async Task<(CustomerId Id, Identifier[] Ids, CustomerEvent[] Events)> SeedCustomer(string member, string phone, int events, DateTimeOffset at)
    {
        Identifier[] ids = [Member(member), Phone(phone)];
        var list = Enumerable.Range(1, events).Select(i => Viewed($"{member}-e{i}", at.AddMinutes(i), ids)).ToArray();
        var id = IdOf(ids[0]);
        await Ingest.CommitAsync(NewCustomer(id, list), Ct);
        return (id, ids, list);
    }

    // ---- the contract

    [Fact]
    public async Task Commit_ThenLoad_ReturnsKnownMessageIdsFingerprintsLinksAndProfiles()
    {
        var (id, ids, events) = await SeedCustomer("M-100", "+8613957215670", 3, Samples.T0);

        var snapshot = await Ingest.LoadAsync(Keys(
            messages: [.. events.Select(e => e.MessageId), "never-sent"],
            fingerprints: [.. events.Select(FingerprintOf), "x:unknown:0"],
            graphKeys: [.. ids.Select(i => i.GraphKey), Member("M-unknown").GraphKey]), Ct);

        Assert.Equal(events.Select(e => e.MessageId).Order(StringComparer.Ordinal), snapshot.KnownMessageIds.Order(StringComparer.Ordinal));
        Assert.Equal(events.Select(FingerprintOf).Order(StringComparer.Ordinal), snapshot.KnownFingerprints.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Select(i => i.GraphKey).Order(StringComparer.Ordinal), snapshot.Links.Keys.Order(StringComparer.Ordinal));
        Assert.All(snapshot.Links.Values, c => Assert.Equal(id, c));
        var profile = Assert.Single(snapshot.Profiles).Value;
        Assert.Equal(id, profile.Id);
        Assert.Equal(3, profile.Counters.Events);
        Assert.True(profile.Version > 0, "a stored profile carries the version it was read at");
        Assert.Equal(events.Select(e => e.MessageId).Order(StringComparer.Ordinal), (await EventsOfAsync(id, Ct)).Order(StringComparer.Ordinal));
        Assert.Contains(new IdentityView(IdKind.Phone, "139****5670"), (await Profiles.GetAsync(id, Ct))!.Identities);
        Assert.Equal(id, await Profiles.FindAsync(Phone("+8613957215670").GraphKey, Ct));
    }

    [Fact]
    public async Task Commit_QuarantinedRecord_MakesItsMessageIdKnown()
    {
        var raw = Viewed("q-1", Samples.T0, Anonymous("anon-q"));
        var entry = new QuarantineEntry("q-1", -1, "web", ["fake_phone"], "placeholder", System.Text.Json.JsonSerializer.Serialize(raw, DomainJson.Options), Samples.Now);

        await Ingest.CommitAsync(new IngestChanges([], [entry], [], [], [], []), Ct);

        var snapshot = await Ingest.LoadAsync(Keys(messages: ["q-1"]), Ct);
        Assert.Equal(["q-1"], snapshot.KnownMessageIds);
    }

    [Fact]
    public async Task Commit_Merge_RepointsIdentitiesAndEventsAndRemovesTheMergedProfile()
    {
        var (survivor, survivorIds, survivorEvents) = await SeedCustomer("M-200", "+8615861427093", 2, Samples.T0);
        var device = Anonymous("anon-200");
        var loser = IdOf(device);
        var loserEvents = new[] { Viewed("anon-200-e1", Samples.T0.AddHours(1), device), Viewed("anon-200-e2", Samples.T0.AddHours(1).AddMinutes(1), device) };
        await Ingest.CommitAsync(NewCustomer(loser, loserEvents), Ct);

        // What the use case commits for an identify that proves both are one: read both, fold, merge.
        var before = await Ingest.LoadAsync(Keys(graphKeys: [survivorIds[0].GraphKey, device.GraphKey]), Ct);
        var identify = Viewed("merge-identify", Samples.T0.AddHours(2), survivorIds[0], device) with { Type = EventType.Identify, Name = null };
        var merged = ProfileFold.Apply(ProfileFold.Merge(before.Profiles[survivor], before.Profiles[loser]), identify);
        var merge = new MergeRecord(survivor, loser, ["Member:M-200"], "identify", identify.Timestamp, identify.MessageId);
        await Ingest.CommitAsync(new IngestChanges([new StoredEvent(survivor, identify)], [], [], [merge], [merged], [FingerprintOf(identify)]), Ct);

        var after = await Ingest.LoadAsync(Keys(graphKeys: [device.GraphKey]), Ct);
        Assert.Equal(survivor, after.Links[device.GraphKey]);
        Assert.Equal([survivor], after.Profiles.Keys);
        Assert.Equal(5, after.Profiles[survivor].Counters.Events);
        Assert.Equal(survivor, await Profiles.FindAsync(device.GraphKey, Ct));
        Assert.Empty(await EventsOfAsync(loser, Ct));
        Assert.Equal(
            survivorEvents.Concat(loserEvents).Append(identify).Select(e => e.MessageId).Order(StringComparer.Ordinal),
            (await EventsOfAsync(survivor, Ct)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(loser, await Profiles.ReadAllAsync(Ct).Select(p => p.Id).ToListAsync(Ct));
        foreach (var who in new[] { survivor, loser })
        {
            var record = Assert.Single(await Profiles.MergesAsync(who, Ct));
            Assert.Equal((survivor, loser, "identify", "merge-identify"), (record.Survivor, record.Merged, record.Reason, record.MessageId));
            Assert.Equal(identify.Timestamp, record.At);
        }
    }

    [Fact]
    public async Task Get_MergedAwayId_ReturnsTheSurvivor()
    {
        var (survivor, survivorIds, _) = await SeedCustomer("M-300", "+8613671824095", 1, Samples.T0);
        var device = Anonymous("anon-300");
        var loser = IdOf(device);
        await Ingest.CommitAsync(NewCustomer(loser, [Viewed("anon-300-e1", Samples.T0.AddHours(1), device)]), Ct);
        var before = await Ingest.LoadAsync(Keys(graphKeys: [survivorIds[0].GraphKey, device.GraphKey]), Ct);
        var merged = ProfileFold.Merge(before.Profiles[survivor], before.Profiles[loser]);
        await Ingest.CommitAsync(new IngestChanges([], [], [], [new MergeRecord(survivor, loser, [], "alias", Samples.T0.AddHours(2), "alias-300")], [merged], []), Ct);

        var profile = await Profiles.GetAsync(loser, Ct);

        Assert.NotNull(profile);
        Assert.Equal(survivor, profile.Id);
        Assert.Equal(2, profile.Counters.Events);
        Assert.Equal([loser], profile.MergedFrom);
    }

    [Fact]
    public async Task Save_AtStaleVersion_ReturnsTheIdAsConflictAndKeepsTheNewerProfile()
    {
        var (id, _, _) = await SeedCustomer("M-400", "+8613587063142", 1, Samples.T0);
        var read = (await Profiles.GetAsync(id, Ct))!;

        var first = await Profiles.SaveAsync([read with { Traits = read.Traits.SetItem("tier", "gold") }], Ct);
        var stale = await Profiles.SaveAsync([read with { Traits = read.Traits.SetItem("tier", "bronze") }], Ct);

        Assert.Empty(first);
        Assert.Equal([id], stale);
        var stored = (await Profiles.GetAsync(id, Ct))!;
        Assert.Equal("gold", stored.Traits["tier"]);
        Assert.True(stored.Version > read.Version, $"version {stored.Version} after a save over {read.Version}");
    }

    [Fact]
    public async Task Commit_WithStaleProfile_ThrowsConflictAndStoresNothingOfTheBatch()
    {
        var (id, ids, _) = await SeedCustomer("M-500", "+8618722906314", 1, Samples.T0);
        var read = (await Profiles.GetAsync(id, Ct))!;
        Assert.Empty(await Profiles.SaveAsync([read with { Traits = read.Traits.SetItem("tier", "gold") }], Ct));
        var late = Viewed("M-500-late", Samples.T0.AddHours(1), ids);
        var newDevice = Anonymous("anon-500");
        var stale = new IngestChanges([new StoredEvent(id, late)], [], [(newDevice.GraphKey, id, newDevice)], [],
            [ProfileFold.Apply(read, late)], [FingerprintOf(late)]);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Ingest.CommitAsync(stale, Ct));

        var snapshot = await Ingest.LoadAsync(Keys(messages: ["M-500-late"], fingerprints: [FingerprintOf(late)], graphKeys: [newDevice.GraphKey]), Ct);
        Assert.Empty(snapshot.KnownMessageIds);
        Assert.Empty(snapshot.KnownFingerprints);
        Assert.Empty(snapshot.Links);
        Assert.Equal(["M-500-e1"], await EventsOfAsync(id, Ct));
        Assert.Equal(1, (await Profiles.GetAsync(id, Ct))!.Counters.Events);
    }

    [Fact]
    public async Task Commit_NewProfileAnotherWriterCreatedMeanwhile_ThrowsConflict()
    {
        var ids = new[] { Member("M-600") };
        var id = IdOf(ids[0]);
        // Both writers loaded before either committed, so both hold the customer as new (version 0).
        var writerA = NewCustomer(id, [Viewed("M-600-a", Samples.T0, ids)]);
        var writerB = NewCustomer(id, [Viewed("M-600-b", Samples.T0.AddMinutes(1), ids)]);
        await Ingest.CommitAsync(writerA, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Ingest.CommitAsync(writerB, Ct));

        Assert.Equal(["M-600-a"], await EventsOfAsync(id, Ct));
    }

    [Fact]
    public async Task IngestUseCase_RedeliveredBatch_ChangesNothing()
    {
        var ingest = new IngestEvents(Ingest, TagRuleSet.Default, new FixedTimeProvider(Samples.Now));
        var cleaner = new Lodestar.Cleaning.Cleaner(Samples.Pii, Lodestar.Cleaning.CleaningOptions.Default);
        var batch = Enumerable.Range(1, 4).Select(i => cleaner.Clean(new RawEvent
        {
            MessageId = $"redeliver-{i}",
            Type = EventType.Track,
            Name = "Product Viewed",
            Source = "web",
            Ids = [new RawIdentifier(IdKind.Member, "M-700")],
            Timestamp = Samples.T0.AddMinutes(i),
            Properties = ImmutableSortedDictionary<string, System.Text.Json.JsonElement>.Empty.Add("n", System.Text.Json.JsonSerializer.SerializeToElement(i)),
        }, Samples.Now)).ToList();
        var id = IdOf(Member("M-700"));

        var first = await ingest.IngestAsync(batch, Ct);
        var version = (await Profiles.GetAsync(id, Ct))!.Version;
        var second = await ingest.IngestAsync(batch, Ct);

        Assert.Equal(4, first.Accepted);
        Assert.Equal(4, second.Duplicates);
        var profile = (await Profiles.GetAsync(id, Ct))!;
        Assert.Equal(4, profile.Counters.Events);
        Assert.Equal(version, profile.Version);
        Assert.Equal(4, (await EventsOfAsync(id, Ct)).Count);
    }

    [Fact]
    public async Task ReadAll_MoreProfilesThanOnePage_YieldsEachProfileExactlyOnce()
    {
        const int count = 2_345;
        var profiles = Enumerable.Range(0, count).Select(i => IdOf(Member($"M-page-{i:D5}")))
            .Select((id, i) => ProfileFold.Start(id, Samples.T0.AddSeconds(i))).ToList();
        await Ingest.CommitAsync(new IngestChanges([], [], [], [], profiles, []), Ct);

        var read = await Profiles.ReadAllAsync(Ct).Select(p => p.Id.Value).ToListAsync(Ct);

        Assert.Equal(count, read.Count);
        Assert.Equal(profiles.Select(p => p.Id.Value).Order(StringComparer.Ordinal), read.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Erase_OneCustomer_RemovesItsProfileEventsAndIdentitiesOnly()
    {
        var (erased, erasedIds, erasedEvents) = await SeedCustomer("M-800", "+8613957215671", 2, Samples.T0);
        var (kept, keptIds, keptEvents) = await SeedCustomer("M-801", "+8615861427094", 3, Samples.T0);

        Assert.True(await Profiles.EraseAsync(erased, Ct));

        Assert.Null(await Profiles.GetAsync(erased, Ct));
        foreach (var i in erasedIds)
        {
            Assert.Null(await Profiles.FindAsync(i.GraphKey, Ct));
        }
        Assert.Empty(await EventsOfAsync(erased, Ct));
        var snapshot = await Ingest.LoadAsync(Keys(
            messages: erasedEvents.Concat(keptEvents).Select(e => e.MessageId),
            graphKeys: erasedIds.Concat(keptIds).Select(i => i.GraphKey)), Ct);
        Assert.Equal(keptEvents.Select(e => e.MessageId).Order(StringComparer.Ordinal), snapshot.KnownMessageIds.Order(StringComparer.Ordinal));
        Assert.Equal(keptIds.Select(i => i.GraphKey).Order(StringComparer.Ordinal), snapshot.Links.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, (await Profiles.GetAsync(kept, Ct))!.Counters.Events);
        Assert.Equal(3, (await EventsOfAsync(kept, Ct)).Count);
        Assert.False(await Profiles.EraseAsync(erased, Ct));
    }

    [Fact]
    public async Task Erase_SurvivorOfAMerge_LeavesNothingUnderTheMergedAwayId()
    {
        var (survivor, survivorIds, _) = await SeedCustomer("M-900", "+8613671824096", 1, Samples.T0);
        var device = Anonymous("anon-900");
        var loser = IdOf(device);
        await Ingest.CommitAsync(NewCustomer(loser, [Viewed("anon-900-e1", Samples.T0.AddHours(1), device)]), Ct);
        var before = await Ingest.LoadAsync(Keys(graphKeys: [survivorIds[0].GraphKey, device.GraphKey]), Ct);
        await Ingest.CommitAsync(new IngestChanges([], [], [], [new MergeRecord(survivor, loser, [], "alias", Samples.T0.AddHours(2), "alias-900")],
            [ProfileFold.Merge(before.Profiles[survivor], before.Profiles[loser])], []), Ct);

        Assert.True(await Profiles.EraseAsync(survivor, Ct));

        Assert.Null(await Profiles.GetAsync(loser, Ct));
        Assert.Null(await Profiles.FindAsync(device.GraphKey, Ct));
        Assert.Empty(await Profiles.MergesAsync(loser, Ct));
        Assert.Empty(await EventsOfAsync(survivor, Ct));
    }

    [Fact]
    public async Task Erase_MergedAwayId_ErasesTheCustomerItJoined()
    {
        // The id a customer had before a merge still names that person (GetAsync follows it); erasing by it must not
        // leave the person's profile, events and identities behind under the survivor.
        var (survivor, survivorIds, _) = await SeedCustomer("M-950", "+8613671824097", 1, Samples.T0);
        var device = Anonymous("anon-950");
        var loser = IdOf(device);
        await Ingest.CommitAsync(NewCustomer(loser, [Viewed("anon-950-e1", Samples.T0.AddHours(1), device)]), Ct);
        var before = await Ingest.LoadAsync(Keys(graphKeys: [survivorIds[0].GraphKey, device.GraphKey]), Ct);
        await Ingest.CommitAsync(new IngestChanges([], [], [], [new MergeRecord(survivor, loser, [], "alias", Samples.T0.AddHours(2), "alias-950")],
            [ProfileFold.Merge(before.Profiles[survivor], before.Profiles[loser])], []), Ct);

        var erased = await Profiles.EraseAsync(loser, Ct);

        Assert.True(erased);
        Assert.Null(await Profiles.GetAsync(loser, Ct));
        Assert.Null(await Profiles.GetAsync(survivor, Ct));
        Assert.Null(await Profiles.FindAsync(device.GraphKey, Ct));
        Assert.Null(await Profiles.FindAsync(survivorIds[1].GraphKey, Ct));
        Assert.Empty(await EventsOfAsync(survivor, Ct));
    }
}
