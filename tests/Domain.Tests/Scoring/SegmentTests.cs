using System.Collections.Immutable;
using CsCheck;
using Lodestar.Customers;
using Lodestar.Profiles;
using Lodestar.Scoring;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Scoring;

public sealed class SegmentTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    internal static Profile Customer(
        string member = "M1001",
        long orders = 0,
        double? daysSinceLastOrder = null,
        long spendMinor = 0,
        (string Tag, string Value)[]? tags = null,
        EventSummary[]? recent = null,
        long events = 0,
        double tenureDays = 400) => new()
    {
        Id = CustomerId.DerivedFrom("member:" + member),
        FirstSeen = T0.AddDays(-tenureDays),
        LastSeen = T0,
        Counters = new Counters
        {
            Orders = orders,
            SpendMinor = spendMinor,
            Events = Math.Max(events, recent?.Length ?? 0),
            LastOrderAt = daysSinceLastOrder is { } d ? T0.AddDays(-d) : null,
            FirstOrderAt = daysSinceLastOrder is { } f ? T0.AddDays(-f - 10) : null,
        },
        Tags = (tags ?? []).ToImmutableSortedDictionary(t => t.Tag, t => new TagValue(t.Value, "value", T0.AddDays(-1)), StringComparer.Ordinal),
        RecentEvents = [.. recent ?? []],
    };

    private static SegmentDefinition Segment(string json)
    {
        var parsed = SegmentDefinition.Parse(json);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return parsed.Value!;
    }

    private static string When(string condition) => $$"""{ "id": "s1", "name": "S1", "when": {{condition}} }""";

    [Theory]
    [InlineData("""{ "all": [ { "metric": "orders", "op": ">=", "value": 2 }, { "metric": "ordrs", "op": ">=", "value": 2 } ] }""", "/when/all/1/metric", "unknown metric 'ordrs'")]
    [InlineData("""{ "metric": "orders", "op": "=>", "value": 2 }""", "/when/op", "unknown operator")]
    [InlineData("""{ "metric": "orders", "value": 2 }""", "/when/op", "is required")]
    [InlineData("""{ "metric": "orders", "op": ">=", "value": "two" }""", "/when/value", "expected a number")]
    [InlineData("""{ "metric": "rfmSegment", "op": ">", "value": "Champions" }""", "/when/op", "this metric is a text")]
    [InlineData("""{ "metric": "rfmSegment", "op": "==", "value": 3 }""", "/when/value", "expected a string")]
    [InlineData("""{ "metric": "orders", "op": "between", "value": [5, 2] }""", "/when/value", "low must not exceed high")]
    [InlineData("""{ "metric": "orders", "op": "in", "value": [] }""", "/when/value", "non-empty array")]
    [InlineData("""{ "event": "Product Viewed", "withinDays": 0, "op": ">=", "value": 1 }""", "/when/withinDays", "from 1 to 3650")]
    [InlineData("""{ "event": "Product Viewed", "op": ">=", "value": 1 }""", "/when/withinDays", "whole number")]
    [InlineData("""{ "any": [ { "metric": "orders", "tag": "vip", "op": ">=", "value": 1 } ] }""", "/when/any/0", "exactly one of")]
    [InlineData("""{ "any": [] }""", "/when/any", "non-empty array")]
    [InlineData("""{ "not": { "metirc": "orders" } }""", "/when/not", "needs one of")]
    [InlineData("""{ "metric": "orders", "op": ">=", "value": 2, "within": 30 }""", "/when/within", "unknown property")]
    [InlineData("""{ "tag": "vip", "value": "yes" }""", "/when/op", "needs an operator")]
    [InlineData("""[ 1 ]""", "/when", "expected a condition object")]
    public void Parse_BadCondition_NamesItsPointerInPlainWords(string condition, string pointer, string message)
    {
        var parsed = SegmentDefinition.Parse(When(condition));

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Pointer == pointer && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "id": "Win Back", "when": { "metric": "orders", "op": ">=", "value": 2 } }""", "/id")]
    [InlineData("""{ "name": "no id", "when": { "metric": "orders", "op": ">=", "value": 2 } }""", "/id")]
    [InlineData("""{ "id": "s1" }""", "/when")]
    [InlineData("""{ "id": "s1", "when": { "metric": "orders", "op": ">=", "value": 2 }, "cadence": "daily" }""", "/cadence")]
    public void Parse_BadSegment_NamesTheField(string json, string pointer) =>
        Assert.Contains(SegmentDefinition.Parse(json).Errors, e => e.Pointer == pointer);

    [Fact]
    public void ParseSet_DuplicateIds_PointsAtTheSecond()
    {
        var parsed = SegmentSet.Parse("""[ { "id": "a", "when": { "tag": "vip" } }, { "id": "a", "when": { "tag": "vip" } } ]""");

        Assert.Equal([new("/1/id", "duplicate segment id 'a'")], parsed.Errors);
    }

    [Fact]
    public void Default_Segments_AreValid() => Assert.Equal(4, SegmentSet.Default.Segments.Length);

    [Theory]
    [InlineData(2, 10.0, true)]
    [InlineData(2, 30.0, true)]   // "daysSinceLastOrder <= 30" includes the 30th day
    [InlineData(2, 31.0, false)]
    [InlineData(1, 10.0, false)]
    public void Contains_OrdersAndRecency_AsTheProfileKnowsThem(long orders, double daysAgo, bool member)
    {
        var segment = Segment(When("""{ "all": [ { "metric": "orders", "op": ">=", "value": 2 }, { "metric": "daysSinceLastOrder", "op": "<=", "value": 30 } ] }"""));

        Assert.Equal(member, segment.Contains(Customer(orders: orders, daysSinceLastOrder: daysAgo), T0));
    }

    [Fact]
    public void Contains_NoOrderYet_MissingMetricNeverMatchesNotEvenInequality()
    {
        var segment = Segment(When("""{ "metric": "daysSinceLastOrder", "op": "!=", "value": 5 }"""));
        var negated = Segment(When("""{ "not": { "metric": "daysSinceLastOrder", "op": "<=", "value": 30 } }"""));

        Assert.False(segment.Contains(Customer(), T0));
        Assert.True(negated.Contains(Customer(), T0)); // "absent or older than 30 days" is said with not
    }

    [Fact]
    public void Contains_RfmScoresAndSegment_AreReadFromTheRfmRunsTags()
    {
        var champion = Customer(tags: [("rfm_score", "5-4-5"), ("rfm_segment", "Champions"), ("tier", "high_value")]);
        var segment = Segment(When("""
            { "all": [ { "metric": "recencyScore", "op": ">=", "value": 4 },
                       { "metric": "monetaryScore", "op": "between", "value": [4, 5] },
                       { "metric": "rfmSegment", "op": "in", "value": ["champions", "Loyal Customers"] },
                       { "metric": "tier", "op": "==", "value": "high_value" } ] }
            """));

        Assert.True(segment.Contains(champion, T0));
        Assert.False(segment.Contains(Customer(tags: [("rfm_score", "3-4-5"), ("rfm_segment", "Champions"), ("tier", "high_value")]), T0));
        Assert.False(segment.Contains(Customer(), T0));
    }

    [Theory]
    [InlineData("""{ "tag": "vip" }""", true)]
    [InlineData("""{ "tag": "price_sensitive" }""", false)]
    [InlineData("""{ "tag": "top_category", "op": "in", "value": ["tea", "coffee"] }""", true)]
    [InlineData("""{ "tag": "top_category", "op": "==", "value": "TEA" }""", true)]
    [InlineData("""{ "tag": "clv", "op": ">", "value": 100 }""", true)]
    [InlineData("""{ "any": [ { "tag": "price_sensitive" }, { "not": { "tag": "vip" } } ] }""", false)]
    public void Contains_TagConditions(string condition, bool member) =>
        Assert.Equal(member, Segment(When(condition)).Contains(Customer(tags: [("vip", "true"), ("top_category", "tea"), ("clv", "250.5")]), T0));

    private static EventSummary View(double daysAgo, int i) => new($"m{i}", "track", "Product Viewed", T0.AddDays(-daysAgo), "web");

    [Fact]
    public void EventCount_AllEventsKept_CountsTheWindow()
    {
        var segment = Segment(When("""{ "event": "Product Viewed", "withinDays": 7, "op": ">=", "value": 3 }"""));

        Assert.True(segment.Contains(Customer(recent: [View(1, 1), View(2, 2), View(6.9, 3), View(8, 4)]), T0));
        Assert.False(segment.Contains(Customer(recent: [View(1, 1), View(2, 2), View(7.5, 3), View(8, 4)]), T0));
    }

    [Fact]
    public void EventCount_WindowReachesPastTheKeptEvents_IsUnknownSoTheConditionFails()
    {
        // 20 views in the last two days are all the profile keeps of 500 events: how many fell in the last 7 days is
        // not known, so neither ">= 3" nor "< 1000" may claim it.
        var recent = Enumerable.Range(0, Profile.RecentEventCount).Select(i => View(i * 0.1, i)).ToArray();
        var profile = Customer(recent: recent, events: 500);

        Assert.False(Segment(When("""{ "event": "Product Viewed", "withinDays": 7, "op": ">=", "value": 3 }""")).Contains(profile, T0));
        Assert.False(Segment(When("""{ "event": "Product Viewed", "withinDays": 7, "op": "<", "value": 1000 }""")).Contains(profile, T0));
        // One day is covered: the oldest kept event (1.9 days ago) is older than the window's start.
        Assert.True(Segment(When("""{ "event": "Product Viewed", "withinDays": 1, "op": "==", "value": 10 }""")).Contains(profile, T0));
    }

    [Fact]
    public void Preview_CountsMatchingProfiles()
    {
        var segment = Segment(When("""{ "metric": "orders", "op": ">=", "value": 2 }"""));
        Profile[] profiles = [Customer("a", orders: 1), Customer("b", orders: 2), Customer("c", orders: 5), Customer("d")];

        var preview = SegmentMembership.Preview(segment, profiles, T0);

        Assert.Equal((2, 4, 0.5), (preview.Matching, preview.Profiles, preview.Share));
    }

    [Fact]
    public void Diff_EnteredAndLeft_BecomeEventsWithStableIds()
    {
        var segment = Segment(When("""{ "tag": "vip" }"""));
        var (a, b, c) = (CustomerId.DerivedFrom("a"), CustomerId.DerivedFrom("b"), CustomerId.DerivedFrom("c"));

        var events = SegmentMembership.Diff(segment, [a, b], [b, c], T0);

        Assert.Equal([(c, SegmentChange.Entered, "Segment Entered"), (a, SegmentChange.Left, "Segment Left")], events.Select(e => (e.Customer, e.Change, e.Name)));
        Assert.Equal(events.Select(e => e.MessageId), SegmentMembership.Diff(segment, [a, b], [b, c], T0).Select(e => e.MessageId));
        Assert.Equal(2, events.Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public void Apply_EntersThenLeaves_TagFollowsAndEachChangeIsOneEvent()
    {
        var set = SegmentSet.Parse("""[ { "id": "repeat", "name": "Repeat buyers", "when": { "metric": "orders", "op": ">=", "value": 2 } } ]""").Value!;
        var profile = Customer(orders: 2, daysSinceLastOrder: 3);

        var (entered, enteredEvents) = SegmentMembership.Apply(profile, set, T0);
        var (same, none) = SegmentMembership.Apply(entered, set, T0.AddDays(1));
        var (left, leftEvents) = SegmentMembership.Apply(entered with { Counters = entered.Counters with { Orders = 1 } }, set, T0.AddDays(2));

        Assert.Equal(new TagValue("true", "segment", T0), entered.Tags["segment:repeat"]);
        Assert.Equal(SegmentChange.Entered, Assert.Single(enteredEvents).Change);
        Assert.Same(entered, same);
        Assert.Empty(none);
        Assert.False(left.Tags.ContainsKey("segment:repeat"));
        Assert.Equal(("repeat", "Repeat buyers", SegmentChange.Left), Assert.Single(leftEvents) is var e ? (e.SegmentId, e.SegmentName, e.Change) : default);
    }

    [Fact]
    public void Apply_SegmentNoLongerDefined_TagRemovedWithALeftEvent()
    {
        var profile = Customer(tags: [("segment:retired", "true"), ("vip", "true")]);

        var (next, events) = SegmentMembership.Apply(profile, new SegmentSet([]), T0);

        Assert.Equal(["vip"], next.Tags.Keys);
        Assert.Equal(("retired", SegmentChange.Left), Assert.Single(events) is var e ? (e.SegmentId, e.Change) : default);
    }

    private static readonly string[] Metrics = ["orders", "spend", "daysSinceLastOrder", "recencyScore", "tenureDays"];

    private static readonly Gen<RuleCondition> GenLeaf = Gen.OneOf<RuleCondition>(
        Gen.Select(Gen.OneOf(Metrics), Gen.OneOf(CompareOp.Less, CompareOp.LessOrEqual, CompareOp.Greater, CompareOp.GreaterOrEqual, CompareOp.Equal, CompareOp.NotEqual), Gen.Int[-5, 500])
            .Select((m, op, v) => (RuleCondition)new MetricRule(m, op, Operand.Of(v / 4.0))),
        Gen.Select(Gen.OneOf(Metrics), Gen.Int[0, 50], Gen.Int[0, 50])
            .Select((m, a, b) => (RuleCondition)new MetricRule(m, CompareOp.Between, Operand.OfNumbers(Math.Min(a, b), Math.Max(a, b)))),
        Gen.Select(Gen.OneOf("Champions", "Lost", "At Risk"), Gen.OneOf("Others", "Can't Lose Them"))
            .Select((a, b) => (RuleCondition)new MetricRule("rfmSegment", CompareOp.In, Operand.OfTexts(a, b))),
        Gen.OneOf("vip", "top_category", "segment:x").Select(t => (RuleCondition)new HasTagRule(t, null, null)),
        Gen.Select(Gen.OneOf("vip", "tier"), Gen.OneOf("true", "active")).Select((t, v) => (RuleCondition)new HasTagRule(t, CompareOp.Equal, Operand.Of(v))),
        Gen.Select(Gen.OneOf("Product Viewed", "order"), Gen.Int[1, 90], Gen.Int[0, 20]).Select((e, d, n) => (RuleCondition)new EventCountRule(e, d, CompareOp.GreaterOrEqual, Operand.Of(n))));

    private static Gen<RuleCondition> GenCondition(int depth) => depth == 0 ? GenLeaf : Gen.Frequency(
        (3, GenLeaf),
        (1, GenCondition(depth - 1).Array[1, 3].Select(cs => (RuleCondition)new AllOfRule([.. cs]))),
        (1, GenCondition(depth - 1).Array[1, 3].Select(cs => (RuleCondition)new AnyOfRule([.. cs]))),
        (1, GenCondition(depth - 1).Select(c => (RuleCondition)new NotRule(c))));

    [Fact]
    public void SegmentJson_AnyDefinition_RoundTrips() =>
        Gen.Select(GenCondition(3), Gen.String[Gen.Char["a-z_"], 1, 20], Gen.Bool).Sample((condition, id, described) =>
        {
            var segment = new SegmentDefinition(id, $"Segment {id} ✓ \"quoted\"", described ? "who & why" : null, condition);

            var parsed = SegmentDefinition.Parse(segment.ToJson());

            Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
            Assert.Equal(segment, parsed.Value);
        });
}
