using Lodestar.Customers;
using Lodestar.Learning.Churn;
using Lodestar.Learning.Conversion;
using Lodestar.Learning.Modelling;
using Lodestar.Learning.Replay;
using Lodestar.Simulation;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Conversion;

/// <summary>A small synthetic shop, replayed and trained once.</summary>
public sealed class SmallShopFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset End = new(2025, 6, 30, 23, 59, 59, SyntheticShop.ShopOffset);

    private static readonly Lazy<SyntheticShop> Small = new(() => SyntheticShop.Generate(new SyntheticShopOptions { Customers = 1_500, Seed = 3, End = End }));

    /// <summary>Generated once per test run (it is deterministic), shared by the classes that read it.</summary>
    public static SyntheticShop SmallShop => Small.Value;

    public SyntheticShop Shop => SmallShop;

    public ConversionRun Run { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Run = await new ConversionPropensity().RunSyntheticAsync(Shop, CancellationToken.None);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class ConversionPropensityTests(SmallShopFixture shop) : IClassFixture<SmallShopFixture>
{
    [Fact]
    public void SyntheticShop_Auc_BeatsChance_WithACalibrationTable()
    {
        var r = shop.Run.Report;

        Assert.True(r.Auc > 0.5, $"AUC {r.Auc:F4}");
        Assert.True(r.TestPositives > 0);
        Assert.Equal(r.TestRows, r.Calibration.Sum(b => b.Rows));
        Assert.Equal(r.TestPositives, r.Calibration.Sum(b => b.Positives));
        Assert.Equal(Independent.PairwiseAuc([.. shop.Run.Test.Select(t => t.Probability)], [.. shop.Run.Test.Select(t => t.Label)]), r.Auc, 9);
    }

    [Fact]
    public void Segment_HoldsExactlyTheCustomersAtOrAboveThreshold_WithBandTags()
    {
        var segment = shop.Run.Segment;
        var options = new ConversionOptions();

        Assert.Equal(SmallShopFixture.End, segment.At);
        Assert.Equal(0.70, segment.Threshold);
        Assert.Equal(segment.Scores.Count(s => s.Probability >= 0.70), segment.Members.Length);
        Assert.Equal(segment.Scores.Length, segment.Bands.Values.Sum());
        Assert.All(segment.Scores, s => Assert.Equal(options.Band(s.Probability), s.Band));
        Assert.All(segment.Tags(), t =>
        {
            Assert.Equal("propensity_7d", t.Tag);
            Assert.Contains(t.Value.Value, new[] { "high", "medium", "low" });
        });
    }

    [Fact]
    public void AtSegmentThreshold_CountsTheHoldOutAtSeventyPercent()
    {
        var c = shop.Run.AtSegmentThreshold;

        Assert.Equal(shop.Run.Test.Length, c.Total);
        Assert.Equal(shop.Run.Test.Count(t => t.Probability >= 0.70), c.TruePositives + c.FalsePositives);
    }

    [Fact]
    public void Band_UsesTheConfiguredThresholds()
    {
        var options = new ConversionOptions { SegmentThreshold = 0.8, MediumThreshold = 0.2 };

        Assert.Equal(["high", "medium", "medium", "low"], new[] { 0.8, 0.79, 0.2, 0.19 }.Select(options.Band));
    }
}

public sealed class ProfileReplayTests
{
    [Fact]
    public async Task Replay_Snapshot_HoldsOnlyEventsBeforeItsInstant()
    {
        var cutoff = SmallShopFixture.End.AddDays(-30);
        var snapshots = await new ProfileReplay().RunAsync(HistorySources.SyntheticShop(SmallShopFixture.SmallShop), SmallShopFixture.SmallShop.Context.ReceivedAt,
            [cutoff.AddDays(-28), cutoff, SmallShopFixture.End], CancellationToken.None);

        Assert.Equal(3, snapshots.Length);
        Assert.All(snapshots[1].Profiles.Values, p => Assert.True(p.LastSeen < cutoff));
        // Every customer of an earlier snapshot is found later (under a survivor when merged), with no fewer orders.
        Assert.All(snapshots[1].Profiles.Values, p => Assert.True(snapshots[2].Find(p.Id)!.Counters.Orders >= p.Counters.Orders));
        var histories = ProfileHistory.Of(snapshots[1], snapshots[0]);
        Assert.All(histories, h =>
        {
            Assert.True(h.Now.Orders >= h.Before!.Orders);
            Assert.True(h.Now.Sessions >= h.Before.Sessions);
        });
        Assert.Contains(histories, h => h.Now.Orders > h.Before!.Orders);
    }

    [Fact]
    public void ProfileFeatures_EveryReasonCodeHasAStrategy()
    {
        Assert.All(ProfileChurnFeatures.Set.Space.Features.Concat(ConversionFeatures.Set.Space.Features).Where(f => f.Reason is not null),
            f => Assert.True(RetentionPlaybook.Default.Strategies.ContainsKey(f.Reason!), f.Name));
    }
}

/// <summary>Online Retail: the next-7-days propensity from invoices before 2011-09-01, and the profile churn model.</summary>
public sealed class OnlineRetailModelTests
{
    [Fact]
    public async Task OnlineRetail_Conversion_AucAndCalibration()
    {
        var path = SharedData.Require(SharedData.OnlineRetail);

        var run = await new ConversionPropensity().RunOnlineRetailAsync(path, null, CancellationToken.None);

        Assert.True(run.Report.Auc > 0.7, $"AUC {run.Report.Auc:F4}");
        Assert.Equal(run.Report.TestRows, run.Report.Calibration.Sum(b => b.Rows));
        Assert.Equal(new DateTimeOffset(2011, 9, 8, 0, 0, 0, TimeSpan.Zero), run.Segment.At);
    }

    [Fact]
    public async Task OnlineRetail_ProfileChurn_ReasonsMapToStrategies()
    {
        var path = SharedData.Require(SharedData.OnlineRetail);
        var data = await ProfileChurnFeatures.OnlineRetailAsync(path, CancellationToken.None);

        var run = new ChurnModel().Train(data, TrainingOptions.Default with { Learners = [Learner.LogisticRegression] });

        Assert.True(run.Report.Auc > 0.65, $"AUC {run.Report.Auc:F4}");
        Assert.All(run.TestRisks.SelectMany(r => r.Reasons), c => Assert.Contains(c.Feature, data.Space.Features.Select(f => f.Name)));
        Assert.Contains(run.TestRisks, r => r.Strategy == "wake_up_offer");
        Assert.All(run.TestRisks, r => Assert.True(CustomerId.TryParse(r.CustomerId, out _)));
    }
}
