using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Profiles;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Profiles;

public sealed class ProfileFoldTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;
    private static readonly CustomerId Alice = CustomerId.DerivedFrom("member:M1001");
    private static readonly CustomerId Bob = CustomerId.DerivedFrom("member:M2002");

    private static Profile Fold(CustomerId id, params CustomerEvent[] events) =>
        events.Aggregate(ProfileFold.Start(id, events[0].Timestamp), ProfileFold.Apply);

    private static CustomerEvent Consent(string messageId, DateTimeOffset at, bool granted, string channel = "sms", string? purpose = null, string source = "web") =>
        Event(messageId, name: ConsentEvent.Name, at: at, source: source,
            properties: purpose is null
                ? $$"""{"channel": "{{channel}}", "granted": {{(granted ? "true" : "false")}}}"""
                : $$"""{"channel": "{{channel}}", "purpose": "{{purpose}}", "granted": {{(granted ? "true" : "false")}}}""");

    [Fact]
    public void Apply_MixedEvents_CountsEachKind()
    {
        var profile = Fold(Alice,
            Event("e1", EventType.Page, "Home", at: T0, properties: """{"dwellSeconds": 40}"""),
            Event("e2", EventType.Screen, "Cart", at: T0.AddMinutes(1), properties: """{"duration": 20.9}"""),
            Event("e3", name: "Products Searched", at: T0.AddMinutes(2)),
            Event("e4", name: "Product Added", at: T0.AddMinutes(3)),
            Event("e5", name: "add_to_cart", at: T0.AddMinutes(4)),
            Event("e6", EventType.ServiceContact, "Complaint Filed", at: T0.AddMinutes(5), contact: new ServiceContact("hotline", "late", null, true)),
            Event("e7", EventType.ServiceContact, "Service Contact", at: T0.AddMinutes(6), contact: new ServiceContact("chat", "size", null, false)));

        var c = profile.Counters;
        Assert.Equal(7, c.Events);
        Assert.Equal(2, c.PageViews);
        Assert.Equal(40 + 20, c.DwellSeconds);
        Assert.Equal(1, c.Searches);
        Assert.Equal(2, c.CartAdds);
        Assert.Equal(T0.AddMinutes(4), c.LastCartAt);
        Assert.Equal(2, c.ServiceContacts);
        Assert.Equal(1, c.Complaints);
        Assert.Equal(1, c.Sessions);
        Assert.Equal((T0, T0.AddMinutes(6)), (profile.FirstSeen, profile.LastSeen));
    }

    [Theory]
    [InlineData("""{"dwellSeconds": -5}""")]
    [InlineData("""{"dwellSeconds": 86400}""")]
    [InlineData("""{"dwellSeconds": "60"}""")]
    public void Apply_ImplausibleDwell_IsIgnored(string properties) =>
        Assert.Equal(0, Fold(Alice, Event(type: EventType.Page, properties: properties)).Counters.DwellSeconds);

    [Fact]
    public void Apply_SaleAndCancellation_CountSpendRefundAndCategories()
    {
        var sale = Order("O1", discountMinor: 500, lines: [Line("TEA-1", 2, 1_999, "tea"), Line("CUP-1", 1, 8_800, "teaware")]);
        var later = Order("O2", lines: [Line("TEA-2", 3, 1_000, "tea")]);
        var cancel = Order("C3", isCancellation: true, lines: [Line("CUP-1", 1, 8_800, "teaware")]);

        var profile = Fold(Alice,
            Event("e1", EventType.Order, "Order Completed", at: T0, order: sale),
            Event("e2", EventType.Order, "Order Completed", at: T0.AddDays(3), order: later),
            Event("e3", EventType.Order, "Order Refunded", at: T0.AddDays(4), order: cancel));

        var c = profile.Counters;
        Assert.Equal(2, c.Orders);
        Assert.Equal(2 * 1_999 + 8_800 + 3 * 1_000, c.SpendMinor);
        Assert.Equal(1, c.DiscountedOrders);
        Assert.Equal(1, c.Cancellations);
        Assert.Equal(8_800, c.RefundMinor);
        Assert.Equal((T0, T0.AddDays(3)), (c.FirstOrderAt, c.LastOrderAt));
        Assert.Equal([("tea", 5L), ("teaware", 1L)], profile.Categories.Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public void Apply_GapsAroundThirtyMinutes_SplitSessionsOnlyWhenLonger()
    {
        var profile = Fold(Alice,
            Event("e1", at: T0),
            Event("e2", at: T0.AddMinutes(30)),                // exactly 30 min: same session
            Event("e3", at: T0.AddMinutes(60).AddSeconds(1)),  // 30 min 1 s after e2: new session
            Event("e4", at: T0.AddMinutes(75)),                // 15 min: same
            Event("e5", at: T0.AddHours(5)));                  // new

        Assert.Equal(3, profile.Counters.Sessions);
    }

    [Fact]
    public void Apply_MoreThanTwentyEvents_KeepsTheTwentyNewestNewestFirst()
    {
        var events = Enumerable.Range(0, 25).Select(i => Event($"e{i:00}", at: T0.AddMinutes(i))).ToArray();

        var profile = Fold(Alice, events);

        Assert.Equal(Profile.RecentEventCount, profile.RecentEvents.Length);
        Assert.Equal(Enumerable.Range(5, 20).Reverse().Select(i => $"e{i:00}"), profile.RecentEvents.Select(r => r.MessageId));
    }

    [Fact]
    public void Apply_EventsOutOfOrder_RecentEventsStayNewestFirst()
    {
        var order = new[] { 7, 24, 0, 13, 3, 19, 22, 1, 9, 16, 5, 11, 2, 20, 8, 23, 14, 4, 17, 10, 6, 21, 12, 18, 15 };
        var events = order.Select(i => Event($"e{i:00}", at: T0.AddMinutes(i))).ToArray();

        var profile = Fold(Alice, events);

        Assert.Equal(Enumerable.Range(5, 20).Reverse().Select(i => $"e{i:00}"), profile.RecentEvents.Select(r => r.MessageId));
        Assert.Equal((T0, T0.AddMinutes(24)), (profile.FirstSeen, profile.LastSeen));
    }

    [Fact]
    public void Apply_RecentEvent_SummarisesTypeNameAndSource()
    {
        var profile = Fold(Alice, Event("e1", EventType.Order, name: null, source: "pos", order: Order("O77", lines: [Line()])));

        Assert.Equal(new EventSummary("e1", "order", "O77", T0, "pos"), Assert.Single(profile.RecentEvents));
    }

    [Fact]
    public void Apply_IdentitiesAndTraits_AreShownMaskedAndLatestTraitWins()
    {
        var profile = Fold(Alice,
            Event("e1", EventType.Identify, null, ids: [Pii.Member("M1001"), Pii.Phone("+8613912847563")], traits: Json.Texts(("gender", "male"), ("city", "440300"))),
            Event("e2", EventType.Identify, null, at: T0.AddMinutes(1), ids: [Pii.Member("M1001")], traits: Json.Texts(("gender", "female"))));

        Assert.Equal([new IdentityView(IdKind.Member, "M1001"), new IdentityView(IdKind.Phone, "139****7563")], profile.Identities);
        Assert.Equal([("city", "440300"), ("gender", "female")], profile.Traits.Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public void Apply_ConsentUpdated_LaterDecisionWinsWhateverTheArrivalOrder()
    {
        var grant = Consent("c1", T0, granted: true);
        var withdraw = Consent("c2", T0.AddHours(1), granted: false, source: "miniprogram");

        var inOrder = Fold(Alice, grant, withdraw);
        var reversed = Fold(Alice, withdraw, grant);

        var expected = new ConsentState(false, T0.AddHours(1), "miniprogram");
        Assert.Equal(expected, inOrder.Consent["marketing.sms"]);
        Assert.Equal(expected, reversed.Consent["marketing.sms"]);
    }

    [Fact]
    public void Apply_ConsentPerPurposeAndChannel_IsKeptApart()
    {
        var profile = Fold(Alice,
            Consent("c1", T0, granted: true, channel: "email"),
            Consent("c2", T0.AddMinutes(1), granted: false, channel: "email", purpose: "service"),
            Consent("c3", T0.AddMinutes(2), granted: true, channel: "push", purpose: "service"));

        Assert.Equal(
            [("marketing.email", true), ("service.email", false), ("service.push", true)],
            profile.Consent.Select(kv => (kv.Key, kv.Value.Granted)));
    }

    [Theory]
    [InlineData("""{"channel": "fax", "granted": true}""")]
    [InlineData("""{"channel": "sms", "granted": "yes"}""")]
    [InlineData("""{"channel": "sms"}""")]
    [InlineData("""{"channel": "sms", "purpose": "profiling", "granted": true}""")]
    public void Apply_MalformedConsent_ChangesNoConsent(string properties) =>
        Assert.Empty(Fold(Alice, Event(name: ConsentEvent.Name, properties: properties)).Consent);

    [Fact]
    public void Apply_ConsentPropertiesOnAnotherEvent_ChangeNoConsent() =>
        Assert.Empty(Fold(Alice, Event(name: "Newsletter Viewed", properties: """{"channel": "sms", "granted": true}""")).Consent);

    [Fact]
    public void Merge_TwoProfiles_SumsCountersAndKeepsTheEarliestFirstSeen()
    {
        var alice = Fold(Alice,
            Event("a1", EventType.Page, "Home", at: T0.AddDays(-2)),
            Event("a2", EventType.Order, "Order Completed", at: T0.AddDays(-1), order: Order("O1", lines: [Line("TEA-1", 1, 1_000, "tea")])));
        var bob = Fold(Bob,
            Event("b1", EventType.Page, "Home", at: T0.AddDays(-5), ids: [Pii.Anonymous("a-9")]),
            Event("b2", name: "Product Added", at: T0.AddDays(-5).AddMinutes(2), ids: [Pii.Anonymous("a-9")]),
            Event("b3", EventType.Order, "Order Completed", at: T0, ids: [Pii.Anonymous("a-9")], order: Order("O2", lines: [Line("TEA-2", 2, 500, "tea"), Line("MUG", 1, 3_000, "teaware")])));

        var merged = ProfileFold.Merge(alice, bob);

        Assert.Equal(Alice, merged.Id);
        Assert.Equal(T0.AddDays(-5), merged.FirstSeen);
        Assert.Equal(T0, merged.LastSeen);
        Assert.Equal(5, merged.Counters.Events);
        Assert.Equal(2, merged.Counters.PageViews);
        Assert.Equal(2, merged.Counters.Orders);
        Assert.Equal(1_000 + 2 * 500 + 3_000, merged.Counters.SpendMinor);
        Assert.Equal(1, merged.Counters.CartAdds);
        Assert.Equal(alice.Counters.Sessions + bob.Counters.Sessions, merged.Counters.Sessions);
        Assert.Equal((T0.AddDays(-1), T0), (merged.Counters.FirstOrderAt, merged.Counters.LastOrderAt));
        Assert.Equal([("tea", 3L), ("teaware", 1L)], merged.Categories.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(["b3", "a2", "a1", "b2", "b1"], merged.RecentEvents.Select(r => r.MessageId));
        Assert.Equal([Bob], merged.MergedFrom);
        Assert.Equal([new IdentityView(IdKind.Member, "M1001"), new IdentityView(IdKind.Anonymous, "a-9")], merged.Identities);
    }

    [Fact]
    public void Merge_Traits_SurvivorWinsAndLoserFillsGaps()
    {
        var survivor = Fold(Alice, Event("s", EventType.Identify, null, traits: Json.Texts(("gender", "female"))));
        var loser = Fold(Bob, Event("x", EventType.Identify, null, traits: Json.Texts(("gender", "male"), ("city", "440300"))));

        var merged = ProfileFold.Merge(survivor, loser);

        Assert.Equal([("city", "440300"), ("gender", "female")], merged.Traits.Select(kv => (kv.Key, kv.Value)));
    }

    [Fact]
    public void Merge_Consent_LaterDecisionWinsWhicheverSideHoldsIt()
    {
        var survivor = Fold(Alice, Consent("c1", T0, granted: true));
        var loser = Fold(Bob, Consent("c2", T0.AddHours(2), granted: false));

        Assert.False(ProfileFold.Merge(survivor, loser).Consent["marketing.sms"].Granted);
        Assert.False(ProfileFold.Merge(loser, survivor).Consent["marketing.sms"].Granted);
    }

    [Fact]
    public void Merge_ChainOfMerges_RecordsEveryMergedId()
    {
        var carol = CustomerId.DerivedFrom("anonymous:a-3");
        var first = ProfileFold.Merge(Fold(Bob, Event("b")), Fold(carol, Event("c")));

        var merged = ProfileFold.Merge(Fold(Alice, Event("a")), first);

        Assert.Equal([carol, Bob], merged.MergedFrom);
    }

    [Fact]
    public void Merge_RecentEvents_StayCappedAtTwenty()
    {
        var alice = Fold(Alice, [.. Enumerable.Range(0, 15).Select(i => Event($"a{i:00}", at: T0.AddMinutes(2 * i)))]);
        var bob = Fold(Bob, [.. Enumerable.Range(0, 15).Select(i => Event($"b{i:00}", at: T0.AddMinutes(2 * i + 1)))]);

        var merged = ProfileFold.Merge(alice, bob);

        Assert.Equal(Profile.RecentEventCount, merged.RecentEvents.Length);
        Assert.Equal(T0.AddMinutes(29), merged.RecentEvents[0].Timestamp);
        Assert.Equal(T0.AddMinutes(10), merged.RecentEvents[^1].Timestamp);
    }
}
