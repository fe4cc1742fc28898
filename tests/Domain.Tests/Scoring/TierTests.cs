using CsCheck;
using Lodestar.Scoring;

namespace Lodestar.Tests.Scoring;

public sealed class TierTests
{
    private static TierInput Input(string? score = null, double tenureDays = 400, double? churn = null, double? clv = null) => new()
    {
        Score = score is null ? null : RfmScore.Parse(score),
        TenureDays = tenureDays,
        ChurnScore = churn,
        Clv = clv,
    };

    [Theory]
    [InlineData("5-4-5", null, "high_value")]
    [InlineData("5-4-5", 0.9, "high_value")]   // high value goes first: it gets resources first
    [InlineData("3-3-3", 0.7, "churn_risk")]   // a churn score, when the model has run, marks risk outright
    [InlineData("2-3-4", null, "churn_risk")]  // a good customer gone quiet
    [InlineData("3-2-1", null, "new")]
    [InlineData("4-4-4", null, "active")]
    [InlineData("1-1-1", null, "dormant")]
    [InlineData(null, null, "dormant")]        // no orders, not new
    public void Assign_DefaultRules_FirstMatchingTierElseDormant(string? score, double? churn, string tier) =>
        Assert.Equal(tier, TierRuleSet.Default.Assign(Input(score, churn: churn)));

    [Fact]
    public void Assign_ShortTenureWithoutOrders_IsNew() => Assert.Equal("new", TierRuleSet.Default.Assign(Input(tenureDays: 20)));

    [Fact]
    public void Assign_DefaultRulesOnRfmData_SharesAreNearTheSourceDocumentsTargets()
    {
        var orders = RfmReferenceData.Orders();
        var at = RfmReferenceData.AnalysisDate;
        var table = RfmOrders.Aggregate(orders, at);
        var first = orders.GroupBy(o => o.CustomerKey).ToDictionary(g => g.Key, g => g.Min(o => o.Date));
        var analysis = Rfm.Analyse(table.Customers, RfmScheme.Default);

        var tiers = analysis.Customers.Select(r => TierRuleSet.Default.Assign(new TierInput
        {
            Score = r.Score,
            RfmSegment = r.Segment,
            TenureDays = at.DayNumber - first[r.Customer.Key].DayNumber,
            DaysSinceLastOrder = r.Customer.RecencyDays,
            Orders = r.Customer.Orders,
            Monetary = r.Customer.Monetary,
        })).CountBy(t => t).ToDictionary();
        var report = TierReport.Build(TierRuleSet.Default, analysis.Customers.Select(r => ((string?)null, TierRuleSet.Default.Assign(new TierInput
        {
            Score = r.Score,
            TenureDays = at.DayNumber - first[r.Customer.Key].DayNumber,
        }))));

        // Derived on rfm_data_orders at 2006-12-31 (targets: 10 / 10 / 20 / 30 / 30 %).
        Assert.Equal(new Dictionary<string, int> { ["high_value"] = 103, ["churn_risk"] = 110, ["new"] = 215, ["active"] = 280, ["dormant"] = 287 }, tiers);
        Assert.Equal(995, report.Customers);
        Assert.All(report.Tiers, t => Assert.InRange(t.Share - t.TargetShare!.Value, -0.03, 0.03));
    }

    [Fact]
    public void Report_MovementSinceLastAssignment_CountsInOutAndTheMatrix()
    {
        (string?, string)[] assignments =
        [
            ("active", "active"), ("active", "dormant"), ("dormant", "active"), (null, "new"), ("new", "active"), ("high_value", "high_value"),
        ];

        var report = TierReport.Build(TierRuleSet.Default, assignments);

        var active = report.Tiers.Single(t => t.Name == "active");
        Assert.Equal((3, 0.5, 2, 2, 1), (active.Customers, active.Share, active.Previously, active.MovedIn, active.MovedOut));
        var fresh = report.Tiers.Single(t => t.Name == "new");
        Assert.Equal((1, 1, 1, 1), (fresh.Customers, fresh.Previously, fresh.MovedIn, fresh.MovedOut));
        Assert.Contains(new TierMove(null, "new", 1), report.Moves);
        Assert.Contains(new TierMove("active", "dormant", 1), report.Moves);
        Assert.Equal(6, report.Moves.Sum(m => m.Customers));
        Assert.Equal(1.0, report.Tiers.Sum(t => t.Share), 12);
    }

    [Theory]
    [InlineData("""{ "tiers": [ { "name": "a", "when": { "metric": "spend", "op": ">", "value": 1 } } ], "fallback": { "name": "z" } }""", "/tiers/0/when/metric", "unknown metric 'spend'")]
    [InlineData("""{ "tiers": [ { "name": "a", "when": { "tag": "vip" } } ], "fallback": { "name": "z" } }""", "/tiers/0/when/tag", "not available")]
    [InlineData("""{ "tiers": [ { "name": "a", "when": { "event": "x", "withinDays": 3, "op": ">", "value": 1 } } ], "fallback": { "name": "z" } }""", "/tiers/0/when/event", "not available")]
    [InlineData("""{ "tiers": [ { "name": "a" } ], "fallback": { "name": "z" } }""", "/tiers/0/when", "is required")]
    [InlineData("""{ "tiers": [ { "name": "a", "targetShare": 1.5, "when": { "metric": "orders", "op": ">", "value": 1 } } ], "fallback": { "name": "z" } }""", "/tiers/0/targetShare", "from 0 to 1")]
    [InlineData("""{ "tiers": [ { "name": "a", "when": { "metric": "orders", "op": ">", "value": 1 } }, { "name": "a", "when": { "metric": "orders", "op": ">", "value": 2 } } ], "fallback": { "name": "z" } }""", "/tiers/1/name", "duplicate")]
    [InlineData("""{ "tiers": [] }""", "/fallback", "every customer")]
    [InlineData("""{ "tiers": [ { "name": "a", "when": { "metric": "orders", "op": ">", "value": 1 } } ], "fallback": { "name": "a" } }""", "/fallback/name", "own name")]
    public void Parse_BadRules_NamesThePointer(string json, string pointer, string message)
    {
        var parsed = TierRuleSet.Parse(json);

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Pointer == pointer && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void ToJson_DefaultRules_ParseBackUnchanged()
    {
        var json = TierRuleSet.Default.ToJson();

        var again = TierRuleSet.Parse(json);

        Assert.True(again.IsValid, string.Join("; ", again.Errors));
        Assert.Equal(TierRuleSet.Default.Tiers, again.Value!.Tiers);
        Assert.Equal(json, again.Value.ToJson());
    }

    private static readonly Gen<TierInput> GenInput =
        Gen.Select(Gen.Int[0, 125], Gen.Double[0, 2_000], Gen.Int[0, 20], Gen.Int[0, 10]).Select((score, tenure, churn, clv) => new TierInput
        {
            Score = score < 125 ? RfmScore.Create(score / 25 + 1, score / 5 % 5 + 1, score % 5 + 1) : null,
            TenureDays = tenure,
            ChurnScore = churn > 10 ? null : churn / 10.0,
            Clv = clv == 0 ? null : clv * 100,
        });

    private static readonly Gen<TierRuleSet> GenRules =
        Gen.Select(Gen.Int[1, 5], Gen.Int[1, 5], Gen.Int[0, 1_000]).Array[0, 5].Select(rules => new TierRuleSet(
            rules.Select((r, i) => new TierDefinition($"tier{i}", new AllOfRule(
            [
                new MetricRule("recencyScore", CompareOp.GreaterOrEqual, Operand.Of(r.Item1)),
                new AnyOfRule([new MetricRule("monetaryScore", CompareOp.LessOrEqual, Operand.Of(r.Item2)), new MetricRule("tenureDays", CompareOp.Less, Operand.Of(r.Item3))]),
            ]), null)),
            "rest"));

    [Fact]
    public void Assign_AnyRulesAnyCustomers_EveryCustomerHasExactlyOneTier() =>
        Gen.Select(GenRules, GenInput.Array[0, 50]).Sample((rules, customers) =>
        {
            var assigned = customers.Select(rules.Assign).ToList();

            Assert.All(assigned, t => Assert.Single(rules.Names, n => n == t));
            var report = TierReport.Build(rules, assigned.Select(t => ((string?)null, t)));
            Assert.Equal(customers.Length, report.Tiers.Sum(t => t.Customers));
            Assert.Equal(customers.Length, report.Tiers.Sum(t => t.MovedIn)); // nobody had a tier before
        });

    [Fact]
    public void Assign_DefaultRulesAnyCustomer_IsTotal() =>
        GenInput.Sample(input => Assert.Contains(TierRuleSet.Default.Assign(input), TierRuleSet.Default.Names));
}
