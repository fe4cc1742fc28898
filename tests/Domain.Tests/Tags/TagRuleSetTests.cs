using Lodestar.Tags;
using Lodestar.Validation;

namespace Lodestar.Tests.Tags;

public sealed class TagRuleSetTests
{
    private static IEnumerable<string> Pointers(Validated<TagRuleSet> v) => v.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal);

    [Fact]
    public void Default_ShippedRules_LoadWithTheirCadences()
    {
        var rules = TagRuleSet.Default;

        Assert.Equal(14, rules.Rules.Length);
        Assert.Equal(
            ["age_band", "gender", "region", "engaged_browser", "visit_frequency", "purchase_frequency", "cart_abandoner", "complainer"],
            rules.For(TagCadence.Realtime).Select(r => r.Id));
        Assert.Equal(["top_category", "price_sensitive", "discount_responsiveness"], rules.For(TagCadence.Daily).Select(r => r.Id));
        Assert.Equal(["spend_band", "repeat_buyer", "aov_band"], rules.For(TagCadence.Monthly).Select(r => r.Id));
    }

    [Fact]
    public void Default_AgeBand_IsReadAsAscendingBands()
    {
        var ageBand = TagRuleSet.Default.Rules.Single(r => r.Id == "age_band");

        Assert.Equal((TagFamily.Basic, "age"), (ageBand.Family, ageBand.Metric));
        Assert.Null(ageBand.When);
        Assert.Equal(
            [new Band(18, "under-18"), new Band(25, "18-24"), new Band(35, "25-34"), new Band(45, "35-44"), new Band(55, "45-54"), new Band(null, "55+")],
            ageBand.Bands);
    }

    [Fact]
    public void Parse_NestedCondition_BuildsTheConditionTree()
    {
        var parsed = TagRuleSet.Parse("""
            [{"id": "vip", "family": "value", "cadence": "monthly", "value": "gold",
              "when": {"any": [{"metric": "spend", "op": ">=", "value": 5000},
                               {"all": [{"metric": "orders", "op": ">", "value": 10}, {"metric": "gender", "op": "==", "value": "f"}]}]}}]
            """);

        Assert.True(parsed.IsValid);
        var rule = Assert.Single(parsed.Value!.Rules);
        Assert.Equal(("vip", TagFamily.Value, TagCadence.Monthly, "gold"), (rule.Id, rule.Family, rule.Cadence, rule.Value));
        var any = Assert.IsType<AnyOf>(rule.When);
        Assert.Equal(new Comparison("spend", ">=", 5000, null), any.Conditions[0]);
        var all = Assert.IsType<AllOf>(any.Conditions[1]);
        Assert.Equal([new Comparison("orders", ">", 10, null), new Comparison("gender", "==", null, "f")], all.Conditions);
    }

    [Fact]
    public void Parse_WhenRuleWithoutValue_DefaultsToTrue() =>
        Assert.Equal("true", TagRuleSet.Parse("""
            [{"id": "x", "family": "behaviour", "cadence": "realtime", "when": {"metric": "complaints", "op": ">=", "value": 1}}]
            """).Value!.Rules[0].Value);

    public static TheoryData<string, string, string[]> BadRules => new()
    {
        {
            "unknown metric",
            """[{"id": "x", "family": "basic", "cadence": "realtime", "metric": "shoeSize"}]""",
            ["/0/metric"]
        },
        {
            "unknown operator",
            """[{"id": "x", "family": "behaviour", "cadence": "realtime", "when": {"metric": "pageViews", "op": "=~", "value": 3}}]""",
            ["/0/when/op"]
        },
        {
            "unknown metric inside all",
            """[{"id": "x", "family": "behaviour", "cadence": "realtime", "when": {"all": [{"metric": "orders", "op": ">=", "value": 1}, {"metric": "nope", "op": ">", "value": 1}]}}]""",
            ["/0/when/all/1/metric"]
        },
        {
            "condition value neither number nor string",
            """[{"id": "x", "family": "behaviour", "cadence": "realtime", "when": {"metric": "orders", "op": ">=", "value": true}}]""",
            ["/0/when/value"]
        },
        {
            "empty any",
            """[{"id": "x", "family": "behaviour", "cadence": "realtime", "when": {"any": []}}]""",
            ["/0/when/any"]
        },
        {
            "duplicate id",
            """
            [{"id": "x", "family": "basic", "cadence": "realtime", "metric": "gender"},
             {"id": "x", "family": "basic", "cadence": "realtime", "metric": "region"}]
            """,
            ["/1/id"]
        },
        {
            "bands not ascending",
            """[{"id": "x", "family": "value", "cadence": "monthly", "metric": "spend", "bands": [{"below": 10, "value": "a"}, {"below": 5, "value": "b"}, {"value": "c"}]}]""",
            ["/0/bands/1/below"]
        },
        {
            "bands with an equal bound",
            """[{"id": "x", "family": "value", "cadence": "monthly", "metric": "spend", "bands": [{"below": 10, "value": "a"}, {"below": 10, "value": "b"}]}]""",
            ["/0/bands/1/below"]
        },
        {
            "band without value",
            """[{"id": "x", "family": "value", "cadence": "monthly", "metric": "spend", "bands": [{"below": 10}]}]""",
            ["/0/bands/0/value"]
        },
        {
            "bands without metric",
            """[{"id": "x", "family": "value", "cadence": "monthly", "bands": [{"value": "a"}]}]""",
            ["/0", "/0/metric"]
        },
        {
            "neither when nor metric",
            """[{"id": "x", "family": "value", "cadence": "monthly"}]""",
            ["/0"]
        },
        {
            "unknown family and cadence, missing id",
            """[{"family": "vip", "cadence": "hourly", "metric": "spend"}]""",
            ["/0/cadence", "/0/family", "/0/id"]
        },
        {
            "second rule bad, first fine",
            """[{"id": "a", "family": "basic", "cadence": "realtime", "metric": "gender"}, {"id": "b", "family": "basic", "cadence": "daily", "metric": "ageInDogYears"}]""",
            ["/1/metric"]
        },
        {
            "a rule that is not an object",
            """[42]""",
            ["/0"]
        },
        {
            "not an array",
            """{"id": "x"}""",
            [""]
        },
        {
            "not JSON",
            """[{"id": "x",""",
            [""]
        },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public void Parse_BadRule_NamesTheFieldByPointer(string because, string json, string[] pointers)
    {
        var parsed = TagRuleSet.Parse(json);

        Assert.False(parsed.IsValid, because);
        Assert.Equal(pointers, Pointers(parsed));
    }
}
