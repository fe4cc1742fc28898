using System.Text.Json;
using Lodestar.Journeys;
using static Lodestar.Tests.Journeys.JourneyBuild;

namespace Lodestar.Tests.Journeys;

public sealed class JourneySimulatorTests
{
    private static readonly DateTimeOffset Start = Times.Noon.AddDays(-1);

    private static SimulationReport Simulate(string name, int customers = 300, int days = 21, int seed = 7, bool keepLog = false) =>
        JourneySimulator.Run(Samples.Load(name), Population.Build(customers, Start, days, seed),
            new SimulationOptions { Start = Start, End = Start.AddDays(days), KeepLog = keepLog });

    [Theory]
    [MemberData(nameof(Samples.All), MemberType = typeof(Samples))]
    public void Simulate_EverySample_EntersCustomersAndSends(string name)
    {
        var report = Simulate(name);

        Assert.True(report.Entered > 0, $"{name}: nobody entered");
        Assert.True(report.SendsByChannel.Values.Sum() > 0, $"{name}: nothing sent");
        Assert.True(report.Decisions >= report.Entered);
        Assert.Equal(report.Entered, report.Outcomes.Values.Sum() + report.StillActive);
        Assert.All(report.NodeCounts.Keys, node => Assert.NotNull(Samples.Load(name).Node(node)));
    }

    [Theory]
    [MemberData(nameof(Samples.All), MemberType = typeof(Samples))]
    public void Simulate_SameInputs_SameReport(string name)
    {
        static string Json(SimulationReport r) => JsonSerializer.Serialize(r with { FinalStates = [] }, DomainJson.Options);

        Assert.Equal(Json(Simulate(name, customers: 80)), Json(Simulate(name, customers: 80)));
    }

    [Fact]
    public void Simulate_AbandonedCart_CountsNodesSendsSuppressionsAndGoals()
    {
        var report = Simulate("abandoned-cart", keepLog: true);

        Assert.True(report.NodeCounts["wait-for-purchase"] >= report.NodeCounts.GetValueOrDefault("email-reminder"));
        Assert.True(report.NodeCounts.GetValueOrDefault("email-reminder") >= report.NodeCounts.GetValueOrDefault("sms-coupon"));
        Assert.Contains(report.Outcomes.Keys, k => k.StartsWith("exited: exit event", StringComparison.Ordinal));
        Assert.True(report.GoalConversions > 0);
        Assert.NotEmpty(report.SuppressionsByReason);
        Assert.All(report.Sends.Where(s => s.Node == "sms-coupon"), s => Assert.Equal("CART-10", s.Offer));
        // Every instance's log starts with its entry.
        Assert.All(report.Logs.Values, log => Assert.Equal(StepOutcome.Started, log[0].Outcome));
    }

    [Fact]
    public void Simulate_FirstOrderTest_SplitsAboutAsWeighted()
    {
        var d = Samples.Load("new-customer-first-order") with { Entry = new ApiEntry() };
        var population = Population.Build(2_000, Start, 1, seed: 3);

        var report = JourneySimulator.Run(d, population, new SimulationOptions { Start = Start, End = Start.AddDays(3) });

        var total = report.SplitArms.Values.Sum(); // those who did not buy during the first day
        Assert.InRange(total, 1_000, 2_000);
        Assert.InRange(report.SplitArms["offer-test/coupon"] / (double)total, 0.42, 0.48);
        Assert.InRange(report.SplitArms["offer-test/holdout"] / (double)total, 0.08, 0.12);
    }

    [Fact]
    public void Simulate_HighValueCare_NeverMoreThanThreeTouchesInThirtyDays()
    {
        var report = Simulate("high-value-care", days: 30);

        Assert.All(report.Sends.GroupBy(s => s.Customer), g => Assert.True(g.Count() <= 3, $"{g.Key}: {g.Count()} sends"));
        Assert.True(report.SuppressionsByReason.GetValueOrDefault(SuppressionReasons.FrequencyCap) > 0);
    }

    [Fact]
    public void Simulate_DefinitionVersion_StaysOnInstancesInFlight()
    {
        var v1 = Samples.Load("abandoned-cart");
        var v2 = v1 with { Version = 2 };
        var driver = new TestDriver(v1, Customer());
        driver.Start(CartAdd(Times.Noon), Times.Noon);

        // A driver holding v2 for an instance of v1 is a mistake: the engine refuses it, logged, and changes nothing.
        var wrong = JourneyEngine.Decide(v2, driver.State, WaitTimedOut.Instance, Times.Noon.AddHours(1), PolicyContext.Default);

        Assert.Equal(driver.State with { Steps = driver.State.Steps + 1 }, wrong.State);
        Assert.Empty(wrong.Commands);
        Assert.Equal(1, driver.State.Version);
    }
}
