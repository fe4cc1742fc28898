using Lodestar.Learning.Churn;
using Lodestar.Learning.Modelling;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Churn;

/// <summary>Trains once on the IBM Telco data with the default options; the tests read that run.</summary>
public sealed class TelcoFixture
{
    public TelcoFixture()
    {
        if (SharedData.Root is not null && File.Exists(SharedData.Telco))
        {
            Data = TelcoChurn.Read(SharedData.Telco);
            Run = new ChurnModel().Train(Data);
        }
    }

    public Dataset? Data { get; }

    public ChurnRun? Run { get; }

    public (Dataset Data, ChurnRun Run) Require()
    {
        SharedData.Require(SharedData.Telco);
        return (Data!, Run!);
    }
}

public sealed class TelcoChurnTests(TelcoFixture telco) : IClassFixture<TelcoFixture>
{
    private static readonly string[] Demographics = ["gender", "SeniorCitizen", "Partner", "Dependents"];

    /// <summary>
    /// Published logistic-regression baselines on this data reach a ROC AUC of about 0.84 on a held-out split (IBM
    /// sample data, e.g. the Kaggle "Telco Customer Churn" notebooks); the issue asks for at least that.
    /// </summary>
    [Fact]
    public void Telco_HeldOutAuc_ReachesPublishedBaseline()
    {
        var (_, run) = telco.Require();

        Assert.True(run.Report.Auc >= 0.84, $"hold-out AUC {run.Report.Auc:F4}");
        var logistic = Assert.Single(run.Report.Candidates, c => c.Learner == Learner.LogisticRegression);
        Assert.True(logistic.TestAuc >= 0.84, $"logistic regression hold-out AUC {logistic.TestAuc:F4}");
        Assert.True(run.Report.Accuracy > run.Report.BaselineAccuracy, $"accuracy {run.Report.Accuracy:P2} vs baseline {run.Report.BaselineAccuracy:P2}");
    }

    [Fact]
    public void Telco_BlankTotalCharges_AreKeptAndReported()
    {
        var (data, _) = telco.Require();
        var total = data.Space.IndexOf("TotalCharges");
        var tenure = data.Space.IndexOf("tenure");

        Assert.Equal(7_043, data.Examples.Length);
        var note = Assert.Single(data.Notes, n => n.StartsWith("TotalCharges blank on 11 row(s)", StringComparison.Ordinal));
        var blank = data.Examples.Where(e => note.Contains(e.Id, StringComparison.Ordinal)).ToList();
        Assert.Equal(11, blank.Count);
        Assert.All(blank, e => Assert.Equal((0f, 0f), (e.Features[tenure], e.Features[total])));
    }

    [Fact]
    public void Report_BaselineAccuracy_IsMajorityShareOfTheHoldOut()
    {
        var (data, run) = telco.Require();
        var churned = run.Test.Count(t => t.Label);
        var stayed = run.Test.Length - churned;

        Assert.Equal((double)Math.Max(churned, stayed) / run.Test.Length, run.Report.BaselineAccuracy, 12);
        Assert.Equal(run.Report.TestRows, run.Test.Length);
        Assert.Equal(churned, run.Report.TestPositives);
        // Stratified 80/20: the hold-out keeps the data's churn share.
        Assert.Equal((double)data.Positives / data.Examples.Length, (double)churned / run.Test.Length, 2);
    }

    [Fact]
    public void Report_Figures_AgreeWithTheHoldOutPredictions()
    {
        var (_, run) = telco.Require();
        var r = run.Report;
        var p = run.Test.Select(t => t.Probability).ToArray();
        var y = run.Test.Select(t => t.Label).ToArray();
        var tp = run.Test.Count(t => t.Label && t.Probability >= r.Threshold);
        var fp = run.Test.Count(t => !t.Label && t.Probability >= r.Threshold);
        var tn = run.Test.Count(t => !t.Label && t.Probability < r.Threshold);

        Assert.Equal(Independent.PairwiseAuc(p, y), r.Auc, 9);
        Assert.Equal((double)(tp + tn) / run.Test.Length, r.Accuracy, 12);
        Assert.Equal((double)tp / (tp + fp), r.Precision, 12);
        Assert.Equal((double)tp / y.Count(l => l), r.Recall, 12);
        Assert.InRange(r.Threshold, 0.05, 0.95);
    }

    [Fact]
    public void CalibrationTable_CoversEveryHoldOutRow_AndTracksObservedRates()
    {
        var (_, run) = telco.Require();
        var table = run.Report.Calibration;

        Assert.Equal(10, table.Length);
        Assert.Equal(run.Test.Length, table.Sum(b => b.Rows));
        Assert.Equal(run.Report.TestPositives, table.Sum(b => b.Positives));
        Assert.True(table.Zip(table.Skip(1)).All(t => t.First.MeanPredicted <= t.Second.MeanPredicted));
        // Calibrated: in the large (mean prediction vs churn rate) and bin by bin within 12 points (a bin holds ~140 rows).
        Assert.InRange(Math.Abs(run.Test.Average(t => t.Label ? 1.0 : 0.0) - run.Test.Average(t => t.Probability)), 0, 0.03);
        Assert.All(table, b => Assert.True(Math.Abs(b.MeanPredicted - b.ObservedRate) < 0.12, $"bin {b.Bin}: predicted {b.MeanPredicted:P1}, observed {b.ObservedRate:P1}"));
    }

    [Fact]
    public void ReasonCodes_NameRealFeatures_AndMapToConfiguredStrategies()
    {
        var (data, run) = telco.Require();
        var names = data.Space.Features.Select(f => f.Name).ToHashSet();
        var playbook = RetentionPlaybook.Default;
        var atRisk = run.TestRisks.Where(r => r.AtRisk).ToList();

        Assert.NotEmpty(atRisk);
        Assert.All(atRisk, r =>
        {
            Assert.NotEmpty(r.Reasons);
            Assert.All(r.Reasons, c =>
            {
                Assert.Contains(c.Feature, names);
                Assert.DoesNotContain(c.Group, Demographics);
                Assert.True(playbook.Strategies.ContainsKey(c.Reason), $"reason {c.Reason} has no strategy");
            });
            Assert.Equal(playbook.Strategies[r.Reasons[0].Reason], r.Strategy);
        });
        // The well-known drivers show up: month-to-month contracts and short tenure.
        Assert.Contains(atRisk, r => r.Reasons.Any(c => c.Feature == "Contract=Month-to-month"));
        Assert.Contains(atRisk, r => r.Reasons.Any(c => c.Feature == "tenure"));
    }

    [Fact]
    public void Training_SameSeed_SameResult()
    {
        var (data, run) = telco.Require();

        var again = new ChurnModel().Train(data, TrainingOptions.Default);

        Assert.Equal(run.Report.Auc, again.Report.Auc);
        Assert.Equal(run.Report.Threshold, again.Report.Threshold);
        Assert.Equal(run.Report.Learner, again.Report.Learner);
        Assert.Equal(run.Test, again.Test);
    }
}
