using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Profiles;
using Lodestar.Tags;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Tags;

public sealed class TagEngineTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    private static Profile NewProfile(DateTimeOffset? firstSeen = null, ImmutableSortedDictionary<string, string>? traits = null, Counters? counters = null) => new()
    {
        Id = CustomerId.DerivedFrom("member:M1001"),
        FirstSeen = firstSeen ?? T0.AddDays(-30),
        LastSeen = T0,
        Traits = traits ?? ImmutableSortedDictionary<string, string>.Empty,
        Counters = counters ?? new Counters(),
    };

    private static TagRule Rule(string id) => TagRuleSet.Default.Rules.Single(r => r.Id == id);

    private static TagRule[] Parse(string json)
    {
        var parsed = TagRuleSet.Parse(json);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return [.. parsed.Value!.Rules];
    }

    [Theory]
    [InlineData("17", "under-18")]
    [InlineData("18", "18-24")]   // a band's bound is exclusive: 18 is no longer under 18
    [InlineData("24.9", "18-24")]
    [InlineData("25", "25-34")]
    [InlineData("44", "35-44")]
    [InlineData("54", "45-54")]
    [InlineData("55", "55+")]
    [InlineData("90", "55+")]
    public void Evaluate_AgeBand_PicksTheFirstBandTheAgeIsBelow(string age, string band) =>
        Assert.Equal(band, TagEngine.Evaluate(Rule("age_band"), NewProfile(traits: Json.Texts(("age", age))), T0));

    [Theory]
    [InlineData("1990-03-01", "35-44")] // 36 today
    [InlineData("1991-03-02", "25-34")] // 34 until tomorrow
    [InlineData("1991-03-01", "35-44")] // 35 today
    public void Evaluate_AgeFromBirthday_CountsWholeYearsToNow(string birthday, string band) =>
        Assert.Equal(band, TagEngine.Evaluate(Rule("age_band"), NewProfile(traits: Json.Texts(("birthday", birthday))), T0));

    [Fact]
    public void Evaluate_NoAgeYet_GivesNoBand() =>
        Assert.Null(TagEngine.Evaluate(Rule("age_band"), NewProfile(), T0));

    [Theory]
    [InlineData("Female", "female")]
    [InlineData("M", "m")]
    public void Evaluate_TextMetric_IsTheTagValue(string gender, string tag) =>
        Assert.Equal(tag, TagEngine.Evaluate(Rule("gender"), NewProfile(traits: Json.Texts(("gender", gender))), T0));

    [Fact]
    public void Evaluate_RegionFallsBackToProvince() =>
        Assert.Equal("440000", TagEngine.Evaluate(Rule("region"), NewProfile(traits: Json.Texts(("province", "440000"))), T0));

    [Theory]
    [InlineData(5, 300, "engaged")]   // 60 s a page over 5 pages
    [InlineData(5, 299, null)]        // just under a minute a page
    [InlineData(4, 400, null)]        // too few pages
    [InlineData(0, 0, null)]          // no pages: the average does not exist
    public void Evaluate_AllOfCondition_HoldsOnlyWhenEveryPartHolds(long pageViews, long dwell, string? expected)
    {
        var counters = new Counters { PageViews = pageViews, DwellSeconds = dwell };

        var value = TagEngine.Evaluate(Rule("engaged_browser"), NewProfile(counters: counters), T0);

        Assert.Equal(expected is null ? null : "true", value);
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(3, 0, true)]
    [InlineData(0, 0, false)]
    public void Holds_AnyOf_NeedsOnePart(long complaints, long orders, bool holds)
    {
        var any = new AnyOf([new Comparison("complaints", ">=", 1, null), new Comparison("orders", ">=", 1, null)]);

        Assert.Equal(holds, TagEngine.Holds(any, NewProfile(counters: new Counters { Complaints = complaints, Orders = orders }), T0));
    }

    [Theory]
    [InlineData("<", 2, true)]
    [InlineData("<=", 1, true)]
    [InlineData(">", 1, false)]
    [InlineData(">=", 1, true)]
    [InlineData("==", 1, true)]
    [InlineData("!=", 1, false)]
    [InlineData("!=", 2, true)]
    public void Holds_NumericComparison_UsesTheOperator(string op, double target, bool holds) =>
        Assert.Equal(holds, TagEngine.Holds(new Comparison("orders", op, target, null), NewProfile(counters: new Counters { Orders = 1 }), T0));

    [Theory]
    [InlineData("==", "FEMALE", true)]
    [InlineData("!=", "male", true)]
    [InlineData("==", "male", false)]
    [InlineData(">", "a", false)]   // text has no order
    public void Holds_TextComparison_IgnoresCase(string op, string target, bool holds) =>
        Assert.Equal(holds, TagEngine.Holds(new Comparison("gender", op, null, target), NewProfile(traits: Json.Texts(("gender", "female"))), T0));

    [Fact]
    public void Holds_MissingMetric_IsFalseEvenForNotEqual() =>
        Assert.False(TagEngine.Holds(new Comparison("daysSinceLastOrder", "!=", 3, null), NewProfile(), T0));

    [Fact]
    public void Apply_CartAddedThenOrdered_SetsThenRemovesCartAbandoner()
    {
        var rules = new[] { Rule("cart_abandoner") };
        var profile = ProfileFold.Start(CustomerId.DerivedFrom("member:M1001"), T0);

        profile = TagEngine.Apply(ProfileFold.Apply(profile, Event("e1", name: "Product Added", at: T0)), rules, T0);
        Assert.Equal(new TagValue("true", "behaviour", T0), profile.Tags["cart_abandoner"]);

        profile = TagEngine.Apply(ProfileFold.Apply(profile, Event("e2", EventType.Order, "Order Completed", at: T0.AddMinutes(20), order: Order(lines: [Line()]))), rules, T0.AddMinutes(20));
        Assert.False(profile.Tags.ContainsKey("cart_abandoner"));
    }

    [Fact]
    public void Apply_ValueUnchanged_KeepsTheTimeItWasSet()
    {
        var rules = new[] { Rule("gender") };
        var tagged = TagEngine.Apply(NewProfile(traits: Json.Texts(("gender", "female"))), rules, T0);

        var again = TagEngine.Apply(tagged, rules, T0.AddDays(1));

        Assert.Same(tagged, again);
        Assert.Equal(new TagValue("female", "basic", T0), again.Tags["gender"]);
    }

    [Fact]
    public void Apply_ValueChanged_RecordsTheNewValueAndTime()
    {
        var rules = new[] { Rule("gender") };
        var tagged = TagEngine.Apply(NewProfile(traits: Json.Texts(("gender", "female"))), rules, T0);

        var changed = TagEngine.Apply(tagged with { Traits = Json.Texts(("gender", "male")) }, rules, T0.AddDays(1));

        Assert.Equal(new TagValue("male", "basic", T0.AddDays(1)), changed.Tags["gender"]);
    }

    [Fact]
    public void Apply_NothingApplies_ReturnsTheSameProfile()
    {
        var profile = NewProfile();

        Assert.Same(profile, TagEngine.Apply(profile, TagRuleSet.Default.For(TagCadence.Daily), T0));
    }

    [Fact]
    public void Apply_OnlyTheGivenRules_TouchOnlyTheirTags()
    {
        var monthly = TagRuleSet.Default.For(TagCadence.Monthly);
        var profile = NewProfile(traits: Json.Texts(("gender", "female")), counters: new Counters { Orders = 2, SpendMinor = 50_000 });
        profile = TagEngine.Apply(profile, [Rule("gender")], T0);

        var tagged = TagEngine.Apply(profile, monthly, T0);

        // spend 500.00 → medium (100–1,000); average order 250.00 → high (≥ 200); two orders → repeat buyer.
        Assert.Equal(
            [("aov_band", "high"), ("gender", "female"), ("repeat_buyer", "true"), ("spend_band", "medium")],
            tagged.Tags.Select(kv => (kv.Key, kv.Value.Value)));
    }

    [Theory]
    [InlineData(0L, "none")]        // no orders in 30 days of tenure
    [InlineData(3L, "monthly")]     // 3 orders in 30 days
    [InlineData(10L, "weekly")]
    public void Evaluate_PurchaseFrequency_BandsOrdersPerMonth(long orders, string band) =>
        Assert.Equal(band, TagEngine.Evaluate(Rule("purchase_frequency"), NewProfile(counters: new Counters { Orders = orders }), T0));

    [Fact]
    public void Evaluate_CustomBandRule_UsesNetSpend()
    {
        var rule = Parse("""
            [{"id": "net", "family": "value", "cadence": "monthly", "metric": "spend",
              "bands": [{"below": 0, "value": "negative"}, {"below": 100, "value": "small"}, {"value": "large"}]}]
            """)[0];

        // spend = (spent − refunded) / 100 in major units: (5,000 − 9,000) / 100 = −40.
        Assert.Equal("negative", TagEngine.Evaluate(rule, NewProfile(counters: new Counters { SpendMinor = 5_000, RefundMinor = 9_000 }), T0));
        Assert.Equal("small", TagEngine.Evaluate(rule, NewProfile(counters: new Counters { SpendMinor = 9_999 }), T0));
        Assert.Equal("large", TagEngine.Evaluate(rule, NewProfile(counters: new Counters { SpendMinor = 10_000 }), T0));
    }
}
