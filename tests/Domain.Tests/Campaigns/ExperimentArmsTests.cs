using Lodestar.Campaigns;
using Lodestar.Journeys;
using Lodestar.Tests.Journeys;
using static Lodestar.Tests.Journeys.JourneyBuild;

namespace Lodestar.Tests.Campaigns;

/// <summary>The ledger's A-B arm, derived from the definition, agrees with the arm the engine logs for each customer.</summary>
public sealed class ExperimentArmsTests
{
    [Fact]
    public void Of_AgreesWithTheEnginesDrawForEveryCustomer()
    {
        var definition = Samples.Load("new-customer-first-order");
        var seen = new HashSet<string?>();
        for (var i = 0; i < 200; i++)
        {
            var driver = new TestDriver(definition, Customer($"arm-{i}"));
            driver.Start(null, Times.Noon);
            driver.Wake();
            var logged = driver.Log.Single(l => l.Node == "offer-test" && l.Outcome == StepOutcome.Branched).Detail;
            var expected = logged.StartsWith("arm holdout", StringComparison.Ordinal) ? null : logged["arm ".Length..];

            Assert.Equal(expected, ExperimentArms.Of(definition, "reminder", driver.Profile.Id));
            // The coupon send is only reachable from the coupon arm.
            Assert.Equal(expected == "coupon" ? "coupon" : null, ExperimentArms.Of(definition, "welcome-coupon", driver.Profile.Id));
            seen.Add(expected);
        }
        // 200 customers over weights 45/45/10 reach every arm and the holdout.
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void Of_SendOutsideAnySplit_HasNoArm() =>
        Assert.Null(ExperimentArms.Of(Minimal("""[ { "id": "a", "type": "send", "channel": "email", "template": "t" } ]"""), "a", Customer().Id));
}
