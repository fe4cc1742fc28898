using Lodestar.Customers;
using Lodestar.Profiles;
using Lodestar.Scoring;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Scoring.SegmentTests;

namespace Lodestar.Tests.Scoring;

/// <summary>The scoring use cases against a versioned in-memory profile store: tags written, reruns no-ops, conflicts retried.</summary>
public sealed class ScoringRunTests
{
    private static readonly DateOnly Day = DateOnly.FromDateTime(Clock.T0.UtcDateTime);

    private static Profile[] Shop() =>
    [
        Customer("a", orders: 9, daysSinceLastOrder: 2, spendMinor: 90_000),
        Customer("b", orders: 5, daysSinceLastOrder: 20, spendMinor: 40_000),
        Customer("c", orders: 3, daysSinceLastOrder: 60, spendMinor: 15_000),
        Customer("d", orders: 2, daysSinceLastOrder: 200, spendMinor: 8_000),
        Customer("e", orders: 1, daysSinceLastOrder: 400, spendMinor: 2_000),
        Customer("f", orders: 12, daysSinceLastOrder: 300, spendMinor: 120_000),
        Customer("visitor"),
    ];

    /// <summary>Profiles of the R package's customers: the store run must give what the file run gives.</summary>
    private static Profile[] RfmDataProfiles()
    {
        var end = AnalysisDay.End(RfmReferenceData.AnalysisDate, TimeSpan.Zero);
        return [.. RfmReferenceData.Orders().GroupBy(o => o.CustomerKey).Select(g => new Profile
        {
            Id = CustomerId.DerivedFrom("member:" + g.Key),
            FirstSeen = new DateTimeOffset(g.Min(o => o.Date).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero),
            LastSeen = end,
            Counters = new Counters
            {
                Orders = g.Count(),
                SpendMinor = (long)(g.Sum(o => o.Revenue) * 100),
                FirstOrderAt = new DateTimeOffset(g.Min(o => o.Date).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero),
                LastOrderAt = new DateTimeOffset(g.Max(o => o.Date).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero),
            },
        })];
    }

    [Fact]
    public async Task ScoreRfm_OnRfmDataProfiles_TagsGiveTheFileRunsSegments()
    {
        var store = new InMemoryProfileStore(RfmDataProfiles());

        var report = await new ScoreRfm(store, RfmScheme.Default).RunAsync(RfmReferenceData.AnalysisDate, null, TestContext.Current.CancellationToken);

        var file = Rfm.Analyse(RfmOrders.Aggregate(RfmReferenceData.Orders(), RfmReferenceData.AnalysisDate).Customers, RfmScheme.Default);
        Assert.Equal((995, 995, 995, 4_906L), (report.Profiles, report.Scored, report.Changed, report.Transactions));
        Assert.Equal(file.Segments, report.Segments);
        var tagged = store.All.GroupBy(p => p.Tags[ScoringTags.RfmSegment].Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(158, tagged["Champions"]);
        Assert.Equal(file.Segments.Where(s => s.Customers > 0).ToDictionary(s => s.Name, s => s.Customers), tagged);
        var agness = store[CustomerId.DerivedFrom("member:Agness O'Keefe")];
        Assert.Equal(new TagValue("5-5-5", "value", AnalysisDay.End(RfmReferenceData.AnalysisDate, TimeSpan.Zero)), agness.Tags["rfm_score"]);
    }

    [Fact]
    public async Task ScoreRfm_SecondRunForTheSameDate_WritesNothing()
    {
        var store = new InMemoryProfileStore(Shop());
        var run = new ScoreRfm(store, RfmScheme.Default);
        var first = await run.RunAsync(Day, null, TestContext.Current.CancellationToken);
        var (saves, written, before) = (store.Saves, store.ProfilesWritten, store.All.ToList());

        var second = await run.RunAsync(Day, null, TestContext.Current.CancellationToken);

        Assert.Equal(6, first.Changed);
        Assert.Equal(0, second.Changed);
        Assert.Equal((saves, written), (store.Saves, store.ProfilesWritten));
        Assert.Equal(before, store.All);
        Assert.Equal(first.Segments, second.Segments);
    }

    [Fact]
    public async Task ScoreRfm_ProfileWithoutOrders_CarriesNoRfmTags()
    {
        var visitor = Customer("visitor", tags: [("rfm_score", "3-3-3"), ("rfm_segment", "Need Attention"), ("vip", "true")]);
        var store = new InMemoryProfileStore([.. Shop().Where(p => p.Id != visitor.Id), visitor]);

        await new ScoreRfm(store, RfmScheme.Default).RunAsync(Day, null, TestContext.Current.CancellationToken);

        Assert.Equal(["vip"], store[visitor.Id].Tags.Keys);
        Assert.All(store.All.Where(p => p.Counters.Orders > 0), p => Assert.True(RfmScore.TryParse(p.Tags["rfm_score"].Value, out _)));
    }

    [Fact]
    public async Task ScoreRfm_ProfileChangedByIngestionMeanwhile_IsReReadAndScoredWithoutLosingTheChange()
    {
        var shop = Shop();
        var store = new InMemoryProfileStore(shop)
        {
            BeforeNextSave = s => s.Touch(shop[0].Id, p => p with { Counters = p.Counters with { PageViews = 42 } }),
        };

        var report = await new ScoreRfm(store, RfmScheme.Default).RunAsync(Day, null, TestContext.Current.CancellationToken);

        var touched = store[shop[0].Id];
        Assert.Equal(42, touched.Counters.PageViews);
        Assert.Equal("5-4-4", touched.Tags["rfm_score"].Value);
        Assert.Equal((6, 0), (report.Changed, report.Unsaved));
    }

    [Fact]
    public async Task AssignTiers_EveryProfileGetsOneTier_AndASecondRunIsANoOp()
    {
        var store = new InMemoryProfileStore(Shop());
        await new ScoreRfm(store, RfmScheme.Default).RunAsync(Day, null, TestContext.Current.CancellationToken);
        var run = new AssignTiers(store, TierRuleSet.Default);
        var now = AnalysisDay.End(Day, TimeSpan.Zero);

        var first = await run.RunAsync(now, null, TestContext.Current.CancellationToken);
        var written = store.ProfilesWritten;
        var second = await run.RunAsync(now, null, TestContext.Current.CancellationToken);

        Assert.All(store.All, p => Assert.Contains(p.Tags["tier"].Value, TierRuleSet.Default.Names));
        Assert.Equal((7, 7, 0), (first.Profiles, first.Changed, second.Changed));
        Assert.Equal(written, store.ProfilesWritten);
        Assert.Equal(7, first.Report.Tiers.Sum(t => t.MovedIn));
        Assert.All(second.Report.Tiers, t => Assert.Equal((0, 0), (t.MovedIn, t.MovedOut)));
    }

    [Fact]
    public async Task AssignTiers_AfterTheCustomerChanged_ReportsTheMove()
    {
        var store = new InMemoryProfileStore([Customer("a", tags: [("rfm_score", "5-5-5")])]);
        var run = new AssignTiers(store, TierRuleSet.Default);
        await run.RunAsync(Clock.T0, null, TestContext.Current.CancellationToken);
        var id = store.All.Single().Id;
        store.Touch(id, p => p with { Tags = p.Tags.SetItem("rfm_score", new TagValue("1-1-1", "value", Clock.T0)) });

        var report = (await run.RunAsync(Clock.T0.AddMonths(1), null, TestContext.Current.CancellationToken)).Report;

        Assert.Equal([new TierMove("high_value", "dormant", 1)], report.Moves);
        Assert.Equal("dormant", store[id].Tags["tier"].Value);
    }

    [Fact]
    public async Task RefreshSegments_EntersLeavesAndReturnsTheEvents_RerunReturnsNone()
    {
        var set = SegmentSet.Parse("""
            [ { "id": "recent_repeat", "name": "Recent repeat buyers",
                "when": { "all": [ { "metric": "orders", "op": ">=", "value": 2 }, { "metric": "daysSinceLastOrder", "op": "<=", "value": 30 } ] } } ]
            """).Value!;
        var store = new InMemoryProfileStore(Shop());
        var run = new RefreshSegments(store, set);

        var first = await run.RunAsync(Clock.T0, null, TestContext.Current.CancellationToken);
        var again = await run.RunAsync(Clock.T0, null, TestContext.Current.CancellationToken);
        var later = await run.RunAsync(Clock.T0.AddDays(15), null, TestContext.Current.CancellationToken);

        Assert.Equal(new SegmentCount("recent_repeat", "Recent repeat buyers", 2, 2, 0), Assert.Single(first.Segments));
        Assert.All(first.Events, e => Assert.Equal(("Segment Entered", "recent_repeat"), (e.Name, e.SegmentId)));
        Assert.Equal((0, 0), (again.Changed, again.Events.Length));
        var left = Assert.Single(later.Events); // b's last order is now 35 days old
        Assert.Equal((CustomerId.DerivedFrom("member:b"), SegmentChange.Left), (left.Customer, left.Change));
        Assert.False(store[left.Customer].Tags.ContainsKey("segment:recent_repeat"));
    }
}
