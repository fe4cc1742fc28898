using System.Collections.Immutable;
using Lodestar.Learning.Modelling;

namespace Lodestar.Tests.Modelling;

public sealed class BinaryModelTrainerTests
{
    /// <summary>
    /// x1 drives the label, x3 too but is marked as never-a-reason (like a demographic), x2 is noise; a one-hot pair
    /// (level=a, level=b) adds a little. Drawn from a seeded generator.
    /// </summary>
    private static Dataset Synthetic(int rows = 2_000, int seed = 11)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var examples = ImmutableArray.CreateBuilder<Example>(rows);
        for (var i = 0; i < rows; i++)
        {
            double x1 = Normal(), x2 = Normal(), x3 = Normal();
            var b = rng.NextDouble() < 0.5;
            var logit = 2 * x1 + x3 + (b ? 0.5 : 0) - 1;
            var label = rng.NextDouble() < 1 / (1 + Math.Exp(-logit));
            examples.Add(new Example($"r{i:0000}", [(float)x1, (float)x2, (float)x3, b ? 0f : 1f, b ? 1f : 0f], label));
        }
        var space = new FeatureSpace(
        [
            new Feature("x1", "driver"), new Feature("x2", "noise"), new Feature("x3", null),
            new Feature("level=a", "level", "level"), new Feature("level=b", "level", "level"),
        ]);
        return new Dataset("synthetic", space, examples.MoveToImmutable(), []);
    }

    private static readonly TrainingOptions LogisticOnly = TrainingOptions.Default with { Learners = [Learner.LogisticRegression] };

    [Fact]
    public void Train_LearnableSignal_AucWellAboveChance()
    {
        var result = new BinaryModelTrainer().Train(Synthetic(), LogisticOnly);

        Assert.InRange(result.Report.Auc, 0.8, 1.0);
        Assert.Equal(400, result.Report.TestRows);
    }

    [Fact]
    public void ReasonCodes_LogisticRegression_AreCoefficientTimesStandardisedValue()
    {
        var data = Synthetic();
        var result = new BinaryModelTrainer().Train(data, LogisticOnly);
        var held = result.Test.Select(t => t.Id).ToHashSet();
        var train = data.Examples.Where(e => !held.Contains(e.Id)).ToList();
        var weights = result.Model.Coefficients!.Value.ToDictionary(c => c.Feature, c => c.Weight);
        var mean = train.Average(e => (double)e.Features[0]);
        var sd = Math.Sqrt(train.Average(e => Math.Pow(e.Features[0] - mean, 2)));
        var top = data.Examples.Where(e => held.Contains(e.Id)).OrderByDescending(e => e.Features[0]).First();

        var prediction = result.Model.Predict([new FeatureRow(top.Id, top.Features)], reasons: 5).Single();

        var x1 = Assert.Single(prediction.Reasons, r => r.Feature == "x1");
        Assert.Equal(weights["x1"] * (top.Features[0] - mean) / sd, x1.Value, 3);
        Assert.Equal("driver", x1.Reason);
    }

    [Fact]
    public void ReasonCodes_NeverNameAFeatureWithoutReason_AndNameTheActiveLevel()
    {
        var data = Synthetic();
        var result = new BinaryModelTrainer().Train(data, LogisticOnly with { Learners = [Learner.LogisticRegression, Learner.LightGbm] });
        var rows = data.Examples.Take(300).Select(e => new FeatureRow(e.Id, e.Features)).ToList();

        var predictions = result.Model.Predict(rows, reasons: 5);

        Assert.All(predictions.SelectMany(p => p.Reasons), r =>
        {
            Assert.NotEqual("x3", r.Feature);
            Assert.True(r.Value > 0);
        });
        // The one-hot group speaks through the level that is set for the row.
        Assert.All(predictions.Zip(rows).SelectMany(t => t.First.Reasons.Where(r => r.Group == "level").Select(r => (r, row: t.Second))),
            t => Assert.Equal(t.row.Features[4] == 1f ? "level=b" : "level=a", t.r.Feature));
        Assert.All(predictions, p => Assert.True(p.Reasons.Zip(p.Reasons.Skip(1)).All(x => x.First.Value >= x.Second.Value)));
    }

    [Fact]
    public void Train_OneClassOnly_IsRefused()
    {
        var data = Synthetic(200);
        var oneClass = data with { Examples = [.. data.Examples.Select(e => e with { Label = false })] };

        Assert.Throws<ArgumentException>(() => new BinaryModelTrainer().Train(oneClass, LogisticOnly));
    }
}
