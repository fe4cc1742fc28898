using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Tags;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Ingestion;

public sealed class IngestEventsTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    private readonly InMemoryIngestStore _store = new();

    private Task<IngestReport> Ingest(params CleanResult[] batch) =>
        new IngestEvents(_store, TagRuleSet.Default, new FixedTimeProvider(T0)).IngestAsync(batch, TestContext.Current.CancellationToken);

    private Task<IngestReport> Ingest(params CustomerEvent[] batch) => Ingest([.. batch.Select(Clean)]);

    private static CleanResult Cleaned(RawEvent raw) => Pii.Cleaner.Clean(raw, T0);

    [Fact]
    public async Task Ingest_NewMember_CreatesAProfileLinkedToEachIdentifier()
    {
        var report = await Ingest(Event("m-1", EventType.Identify, null, ids: [Pii.Member("M1001"), Pii.Phone("+8613912847563")],
            traits: Json.Texts(("gender", "Female"), ("region", "440000"))));

        var item = Assert.Single(report.Items);
        Assert.Equal(Outcome.Accepted, item.Outcome);
        Assert.Equal(item.CustomerId, _store.CustomerOf(Pii.Member("M1001")).Value);
        Assert.Equal(_store.CustomerOf(Pii.Member("M1001")), _store.CustomerOf(Pii.Phone("+8613912847563")));
        var profile = Assert.Single(_store.Profiles.Values);
        Assert.Equal(1, profile.Counters.Events);
        // Real-time tag rules ran on the folded profile.
        Assert.Equal("female", profile.Tags["gender"].Value);
        Assert.Equal("440000", profile.Tags["region"].Value);
        Assert.Equal([(profile.Id, "m-1")], _store.Events.Select(e => (e.Customer, e.Event.MessageId)));
    }

    [Fact]
    public async Task Ingest_SameMessageIdTwice_SecondIsADuplicateAndStoresNothing()
    {
        await Ingest(Event("m-1", at: T0));

        var report = await Ingest(Event("m-1", at: T0.AddMinutes(5), name: "Something Else"));

        Assert.Equal(Outcome.Duplicate, Assert.Single(report.Items).Outcome);
        Assert.Single(_store.Events);
        Assert.Equal(1, Assert.Single(_store.Profiles.Values).Counters.Events);
        Assert.Empty(_store.Quarantine);
    }

    [Fact]
    public async Task Ingest_SameMessageIdTwiceInOneBatch_SecondIsADuplicate()
    {
        var report = await Ingest(Event("m-1", at: T0), Event("m-1", at: T0));

        Assert.Equal([Outcome.Accepted, Outcome.Duplicate], report.Items.Select(i => i.Outcome));
        Assert.Single(_store.Events);
    }

    [Fact]
    public async Task Ingest_SameContentNewMessageIdSameTimestamp_QuarantinesAsDuplicateContent()
    {
        await Ingest(Event("m-1", at: T0, properties: """{"sku": "A1"}"""));

        var report = await Ingest(Event("m-2", at: T0, properties: """{"sku": "A1"}"""));

        var item = Assert.Single(report.Items);
        Assert.Equal(Outcome.Quarantined, item.Outcome);
        Assert.Equal([Reasons.DuplicateContent], item.Reasons);
        var entry = Assert.Single(_store.Quarantine);
        Assert.Equal(("m-2", -1), (entry.MessageId, entry.Line));
        Assert.Equal([Reasons.DuplicateContent], entry.Reasons);
        Assert.Single(_store.Events);
    }

    [Fact]
    public async Task Ingest_SameContentOneSecondLater_QuarantinesAsNearDuplicate()
    {
        await Ingest(Event("m-1", at: T0, properties: """{"sku": "A1"}"""));

        var report = await Ingest(Event("m-2", at: T0.AddSeconds(1), properties: """{"sku": "A1"}"""));

        Assert.Equal([Reasons.NearDuplicate], Assert.Single(report.Items).Reasons);
        Assert.Single(_store.Events);
    }

    [Fact]
    public async Task Ingest_SameContentTwiceInOneBatch_QuarantinesTheSecond()
    {
        var report = await Ingest(Event("m-1", at: T0), Event("m-2", at: T0.AddMilliseconds(300)));

        Assert.Equal([Outcome.Accepted, Outcome.Quarantined], report.Items.Select(i => i.Outcome));
        Assert.Equal([Reasons.NearDuplicate], report.Items[1].Reasons);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(3_600)]
    public async Task Ingest_SameContentWellApart_IsAcceptedTwice(int seconds)
    {
        await Ingest(Event("m-1", at: T0, properties: """{"sku": "A1"}"""));

        var report = await Ingest(Event("m-2", at: T0.AddSeconds(seconds), properties: """{"sku": "A1"}"""));

        Assert.Equal(Outcome.Accepted, Assert.Single(report.Items).Outcome);
        Assert.Equal(2, Assert.Single(_store.Profiles.Values).Counters.Events);
    }

    [Fact]
    public async Task Ingest_DifferentContentSameTimestamp_IsNotADuplicate()
    {
        await Ingest(Event("m-1", at: T0, properties: """{"sku": "A1"}"""));

        var report = await Ingest(Event("m-2", at: T0, properties: """{"sku": "B2"}"""));

        Assert.Equal(Outcome.Accepted, Assert.Single(report.Items).Outcome);
    }

    [Fact]
    public async Task Ingest_IdentifyJoiningAnonymousAndMember_MergesTheTwoProfiles()
    {
        var anonymous = Pii.Anonymous("a-77");
        var member = Pii.Member("M1001");
        await Ingest(Event("m-1", EventType.Page, "Home", ids: [anonymous], at: T0.AddHours(-2)));
        await Ingest(Event("m-2", EventType.Order, "Order Completed", ids: [member], at: T0.AddHours(-1), order: Order(lines: [Line("TEA-1", 2, 1_999)])));
        var anonymousCustomer = _store.CustomerOf(anonymous);
        var memberCustomer = _store.CustomerOf(member);
        Assert.NotEqual(anonymousCustomer, memberCustomer);

        var report = await Ingest(Event("m-3", EventType.Identify, null, ids: [member, anonymous], at: T0));

        Assert.Equal(1, report.Merges);
        var merge = Assert.Single(_store.Merges);
        // The customer seen first survives (the anonymous browser, two hours ago); the member's customer joins it.
        Assert.Equal((anonymousCustomer, memberCustomer, "identify", "m-3"), (merge.Survivor, merge.Merged, merge.Reason, merge.MessageId));
        Assert.Equal(_store.CustomerOf(member), _store.CustomerOf(anonymous));
        var profile = Assert.Single(_store.Profiles.Values);
        Assert.Equal(anonymousCustomer, profile.Id);
        Assert.Equal([memberCustomer], profile.MergedFrom);
        Assert.Equal((3L, 1L, 1L, 2L * 1_999), (profile.Counters.Events, profile.Counters.PageViews, profile.Counters.Orders, profile.Counters.SpendMinor));
        Assert.Equal(T0.AddHours(-2), profile.FirstSeen);
        Assert.Equal([new IdentityView(IdKind.Member, "M1001"), new IdentityView(IdKind.Anonymous, "a-77")], profile.Identities);
        Assert.All(_store.Events, e => Assert.Equal(anonymousCustomer, e.Customer));
    }

    [Fact]
    public async Task Ingest_IdentifyAfterAnonymousBrowsing_AttachesTheMemberWithoutAMerge()
    {
        var anonymous = Pii.Anonymous("a-77");
        await Ingest(Event("m-1", EventType.Page, "Home", ids: [anonymous], at: T0.AddHours(-1)));

        var report = await Ingest(Event("m-2", EventType.Identify, null, ids: [Pii.Member("M1001"), anonymous], at: T0));

        Assert.Equal(0, report.Merges);
        Assert.Equal(_store.CustomerOf(anonymous), _store.CustomerOf(Pii.Member("M1001")));
        Assert.Equal(2, Assert.Single(_store.Profiles.Values).Counters.Events);
    }

    [Fact]
    public async Task Ingest_AliasOfPreviousId_MergesWithTheAliasReason()
    {
        await Ingest(Event("m-1", ids: [Pii.Anonymous("a-1")], at: T0.AddHours(-2)));
        await Ingest(Event("m-2", ids: [Pii.Member("M1001")], at: T0.AddHours(-1)));

        var report = await Ingest(Event("m-3", EventType.Alias, null, ids: [Pii.Member("M1001")], previousId: Pii.Anonymous("a-1"), at: T0));

        Assert.Equal("alias", Assert.Single(_store.Merges).Reason);
        Assert.Equal(1, report.Merges);
        Assert.Equal(_store.CustomerOf(Pii.Member("M1001")), _store.CustomerOf(Pii.Anonymous("a-1")));
    }

    [Fact]
    public async Task Ingest_SecondMemberOnASharedAnonymousId_IsNotMergedIntoTheFirst()
    {
        // A family tablet: two members sign in on the same device (same anonymous id).
        var tablet = Pii.Anonymous("tablet-1");
        await Ingest(Event("m-1", EventType.Identify, null, ids: [Pii.Member("M1"), tablet], at: T0.AddHours(-1)));

        var report = await Ingest(Event("m-2", EventType.Identify, null, ids: [Pii.Member("M2"), tablet], at: T0));

        Assert.Equal(0, report.Merges);
        Assert.Empty(_store.Merges);
        Assert.NotEqual(_store.CustomerOf(Pii.Member("M1")), _store.CustomerOf(Pii.Member("M2")));
        Assert.Equal(_store.CustomerOf(Pii.Member("M2")).Value, Assert.Single(report.Items).CustomerId);
        Assert.Equal(_store.CustomerOf(Pii.Member("M1")), _store.CustomerOf(tablet));
        Assert.Equal([1L, 1L], _store.Profiles.Values.Select(p => p.Counters.Events));
    }

    [Fact]
    public async Task Ingest_TwoKnownMembersOnASharedAnonymousId_AreNotMerged()
    {
        var tablet = Pii.Anonymous("tablet-1");
        await Ingest(Event("m-1", EventType.Identify, null, ids: [Pii.Member("M1"), tablet], at: T0.AddHours(-2)));
        await Ingest(Event("m-2", name: "Product Viewed", ids: [Pii.Member("M2")], at: T0.AddHours(-1)));

        var report = await Ingest(Event("m-3", EventType.Identify, null, ids: [Pii.Member("M2"), tablet], at: T0));

        Assert.Equal(0, report.Merges);
        Assert.NotEqual(_store.CustomerOf(Pii.Member("M1")), _store.CustomerOf(Pii.Member("M2")));
        Assert.Equal(_store.CustomerOf(Pii.Member("M2")).Value, Assert.Single(report.Items).CustomerId);
        Assert.Equal(2, _store.ProfileOf(Pii.Member("M2")).Counters.Events);
    }

    [Fact]
    public async Task Ingest_SharedIdentifierWithinOneBatch_MergesInsideTheBatch()
    {
        var report = await Ingest(
            Event("m-1", ids: [Pii.Anonymous("a-1")], at: T0.AddMinutes(-3)),
            Event("m-2", ids: [Pii.OpenId("o-1")], at: T0.AddMinutes(-2)),
            Event("m-3", name: "Product Added", ids: [Pii.Anonymous("a-1"), Pii.OpenId("o-1")], at: T0.AddMinutes(-1)));

        Assert.Equal(1, report.Merges);
        var profile = Assert.Single(_store.Profiles.Values);
        Assert.Equal(3, profile.Counters.Events);
        Assert.Equal(profile.Id, _store.CustomerOf(Pii.OpenId("o-1")));
        Assert.Equal(profile.Id, _store.CustomerOf(Pii.Anonymous("a-1")));
    }

    [Fact]
    public async Task Ingest_RedeliveredBatch_ChangesNothing()
    {
        var batch = new[]
        {
            Clean(Event("m-1", EventType.Page, "Home", ids: [Pii.Anonymous("a-1")], at: T0.AddMinutes(-30))),
            Clean(Event("m-2", ids: [Pii.Member("M1001")], at: T0.AddMinutes(-20))),
            Clean(Event("m-3", EventType.Identify, null, ids: [Pii.Member("M1001"), Pii.Anonymous("a-1")], at: T0.AddMinutes(-10))),
            Cleaned(Raw("m-4", ids: [RawPhone("13800138000")])),
            Cleaned(Raw("m-5", EventType.Order, "Order Completed", order: Order(lines: [Line("TEA-1", 1, 1_999), Line("FREE", 1, 0)]))),
        };
        var first = await Ingest(batch);
        var before = StoreState();
        Assert.Equal((4, 1, 1), (first.Accepted, first.Quarantined, first.Merges));
        Assert.Equal(2, _store.Quarantine.Count); // the fake-phone record and the zero-price line

        var again = await Ingest(batch);

        Assert.All(again.Items, i => Assert.Equal(Outcome.Duplicate, i.Outcome));
        Assert.Equal(0, again.Merges);
        Assert.Equal(before, StoreState());
    }

    [Fact]
    public async Task Ingest_CleaningQuarantined_KeepsTheRecordAsideWithoutRawPhone()
    {
        var report = await Ingest(Cleaned(Raw("m-1", ids: [RawPhone("138-0013-8000")])));

        var item = Assert.Single(report.Items);
        Assert.Equal((Outcome.Quarantined, (string?)null), (item.Outcome, item.CustomerId));
        Assert.Equal([Reasons.FakePhone], item.Reasons);
        var entry = Assert.Single(_store.Quarantine);
        Assert.DoesNotContain("13800138000", entry.Record, StringComparison.Ordinal);
        Assert.DoesNotContain("0013", entry.Record, StringComparison.Ordinal);
        Assert.Empty(_store.Events);
        Assert.Empty(_store.Profiles);
    }

    [Fact]
    public async Task Ingest_OrderWithOneBadLine_AcceptsTheOrderAndQuarantinesTheLine()
    {
        var report = await Ingest(Cleaned(Raw("m-1", EventType.Order, "Order Completed", order: Order(lines: [Line("TEA-1", 2, 1_999), Line("FREE", 1, 0)]))));

        var item = Assert.Single(report.Items);
        Assert.Equal(Outcome.Accepted, item.Outcome);
        Assert.Contains(Reasons.ZeroPrice, item.Reasons);
        var entry = Assert.Single(_store.Quarantine);
        Assert.Equal(1, entry.Line);
        Assert.Equal([Reasons.ZeroPrice], entry.Reasons);
        Assert.Equal(2 * 1_999, Assert.Single(_store.Profiles.Values).Counters.SpendMinor);
    }

    [Fact]
    public async Task Ingest_OrderWithEveryLineBad_QuarantinesTheRecordWithTheLineReasons()
    {
        var report = await Ingest(Cleaned(Raw("m-1", EventType.Order, "Order Completed", order: Order(lines: [Line("FREE", 1, 0)]))));

        var item = Assert.Single(report.Items);
        Assert.Equal(Outcome.Quarantined, item.Outcome);
        Assert.Equal([Reasons.ZeroPrice], item.Reasons);
        Assert.Empty(_store.Events);
    }

    [Fact]
    public async Task Ingest_CommitConflictsOnce_DecidesAgainAndCommitsOnce()
    {
        _store.ConflictingCommits = 1;

        var report = await Ingest(Event("m-1"));

        Assert.Equal(Outcome.Accepted, Assert.Single(report.Items).Outcome);
        Assert.Equal(1, _store.Commits);
        Assert.Single(_store.Events);
    }

    [Fact]
    public async Task Ingest_CommitKeepsConflicting_GivesUpWithTheConflict()
    {
        _store.ConflictingCommits = int.MaxValue;

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Ingest(Event("m-1")));

        Assert.Empty(_store.Events);
    }

    [Fact]
    public async Task Ingest_ProfileSavedByAnotherWriterMeanwhile_IsDecidedAgainSoNoCountIsLost()
    {
        await Ingest(Event("m-1", at: T0.AddMinutes(-5)));
        // Between this ingest's load and its commit, another host ingests an event of the same customer.
        _store.BeforeNextCommit = () => Ingest(Event("m-2", name: "Product Added", at: T0.AddMinutes(-4)));

        var report = await Ingest(Event("m-3", name: "Products Searched", at: T0.AddMinutes(-3)));

        Assert.Equal(Outcome.Accepted, Assert.Single(report.Items).Outcome);
        var profile = Assert.Single(_store.Profiles.Values);
        Assert.Equal((3L, 1L, 1L), (profile.Counters.Events, profile.Counters.CartAdds, profile.Counters.Searches));
        Assert.Equal(["m-1", "m-2", "m-3"], _store.Events.Select(e => e.Event.MessageId));
    }

    private string StoreState() => Json.Serialize(new
    {
        Events = _store.Events.Select(e => new { Customer = e.Customer.Value, e.Event }),
        _store.Quarantine,
        _store.Merges,
        Links = _store.Links.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} -> {l.Value.Customer} ({l.Value.Id.Display})"),
        Profiles = _store.Profiles.Values.OrderBy(p => p.Id.Value, StringComparer.Ordinal),
    });
}
