using Lodestar.Learning.Modelling;

namespace Lodestar.Tests.Modelling;

public sealed class MetricsTests
{
    [Fact]
    public void Auc_KnownExample_IsShareOfCorrectlyOrderedPairs()
    {
        // Pairs (positive, negative): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1) right, (0.8, 0.4) right: 3 of 4.
        Assert.Equal(0.75, Metrics.Auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);
    }

    [Fact]
    public void Auc_Ties_CountOneHalf()
    {
        Assert.Equal(0.5, Metrics.Auc([0.3, 0.3, 0.3, 0.3], [false, true, false, true]), 12);
        Assert.Equal(0.875, Metrics.Auc([0.1, 0.5, 0.5, 0.9], [false, false, true, true]), 12);
    }

    [Fact]
    public void Auc_OneClassOnly_IsNaN()
    {
        Assert.True(double.IsNaN(Metrics.Auc([0.1, 0.2], [true, true])));
    }

    [Fact]
    public void CalibrationTable_EqualCountBins_CoverEveryRowOnce()
    {
        var p = Enumerable.Range(0, 23).Select(i => i / 23.0).ToArray();
        var y = p.Select(x => x > 0.5).ToArray();

        var table = Metrics.CalibrationTable(p, y, 10);

        Assert.Equal(10, table.Length);
        Assert.Equal(23, table.Sum(b => b.Rows));
        Assert.Equal(y.Count(l => l), table.Sum(b => b.Positives));
        Assert.All(table, b => Assert.InRange(b.Rows, 2, 3));
        Assert.True(table.Zip(table.Skip(1)).All(t => t.First.MaxPredicted <= t.Second.MinPredicted));
    }

    [Fact]
    public void BestF1Threshold_SeparableScores_SplitsTheClasses()
    {
        var threshold = Metrics.BestF1Threshold([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [false, false, false, true, true, true]);

        Assert.Equal(0.7, threshold);
    }

    [Fact]
    public void MajorityShare_IsTheLargerClassShare()
    {
        Assert.Equal(0.75, Metrics.MajorityShare([true, false, false, false]));
        Assert.Equal(0.75, Metrics.MajorityShare([true, true, true, false]));
    }
}
