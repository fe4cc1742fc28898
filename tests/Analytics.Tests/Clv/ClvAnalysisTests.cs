using System.Globalization;
using Lodestar.Analytics.Clv;

namespace Lodestar.Tests.Clv;

public sealed class ClvAnalysisTests
{
    private static readonly DateOnly D0 = new(2024, 1, 1);

    [Fact]
    public void Run_NoTransactions_FailsOnTransactions()
    {
        var result = ClvAnalysis.Run([], new ClvOptions());

        Assert.False(result.IsValid);
        Assert.Equal("/transactions", Assert.Single(result.Errors).Pointer);
    }

    [Fact]
    public void Run_NegativeHorizonAndRate_FailOnBoth()
    {
        var result = ClvAnalysis.Run([new("c", D0, 1m)], new ClvOptions { HorizonWeeks = -1, MonthlyDiscountRate = -0.1 });

        Assert.Equal(["/horizonWeeks", "/monthlyDiscountRate"], result.Errors.Select(e => e.Pointer));
    }

    [Fact]
    public void Run_NobodyBoughtTwice_FailsWithAReason()
    {
        var result = ClvAnalysis.Run([new("a", D0, 1m), new("b", D0.AddDays(3), 2m), new("a", D0, 5m)], new ClvOptions());

        var error = Assert.Single(result.Errors);
        Assert.Contains("No customer bought again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CalibrationEndBeforeAnyPurchase_FailsOnCalibrationEnd()
    {
        var result = ClvAnalysis.Run([new("a", D0, 1m)], new ClvOptions { CalibrationEnd = D0.AddDays(-1) });

        Assert.Equal("/calibrationEnd", Assert.Single(result.Errors).Pointer);
    }

    [Fact]
    public void Run_CdnowSample_FitsRanksAndComparesWithTheHoldout()
    {
        var file = Cdnow.File();

        var report = ClvAnalysis.Run(file.Transactions, new ClvOptions { CalibrationEnd = Cdnow.CalibrationEnd, HorizonWeeks = 39 }).Value!;

        Assert.Equal(2357, report.Customers.Length);
        Assert.Equal(946, report.RepeatCustomers);
        Assert.Null(report.ParetoNbd);
        Assert.Equal(0.243, report.BgNbd.Model.R, 3);
        Assert.True(report.Customers.Zip(report.Customers.Skip(1)).All(p => p.First.Clv >= p.Second.Clv), "customers are ranked by CLV");
        // Weeks 40–78 of the holdout: the repeat purchases the derived Fader–Hardie summary counts (x_star).
        var holdout = report.Holdout!;
        Assert.Equal((new DateOnly(1997, 10, 1), new DateOnly(1998, 6, 30), 39.0), (holdout.From, holdout.To, holdout.Weeks));
        Assert.Equal(HoldoutTotal(), holdout.ActualPurchases);
        Assert.Equal(holdout.ActualPurchases, report.Customers.Sum(c => c.HoldoutPurchases!.Value));
        Assert.Equal(holdout.PredictedPurchases, report.Customers.Sum(c => c.ExpectedPurchases), 6);
    }

    [Fact]
    public void Run_ParetoModel_FitsItAndPredictsWithIt()
    {
        var report = ClvAnalysis.Run(Cdnow.File().Transactions, new ClvOptions { CalibrationEnd = Cdnow.CalibrationEnd, Model = PurchaseModelKind.ParetoNbd }).Value!;

        var pareto = report.ParetoNbd!;
        var top = report.Customers[0];
        var summary = CustomerSummary.Create(top.CustomerId, top.Frequency, top.Recency, top.Age, top.MonetaryValue);
        Assert.Equal(pareto.Model.ProbabilityAlive(summary), top.ProbabilityAlive);
        Assert.Equal(pareto.Model.ExpectedPurchases(summary, 52), top.ExpectedPurchases);
    }

    [Fact]
    public void Run_TinyData_DefaultsCalibrationEndToTheLastPurchaseAndWarnsThatFitsDidNotSettle()
    {
        Transaction[] transactions = [new("a", D0, 10m), new("a", D0.AddDays(14), 20m), new("b", D0.AddDays(7), 5m), new("b", D0.AddDays(28), 15m), new("c", D0.AddDays(3), 8m)];

        var report = ClvAnalysis.Run(transactions, new ClvOptions()).Value!;

        Assert.Equal(D0.AddDays(28), report.CalibrationEnd);
        Assert.Null(report.Holdout);
        Assert.All(report.Customers, c => Assert.Null(c.HoldoutPurchases));
        // Three customers cannot pin four parameters: the maximum lies at a boundary, which is reported, not thrown.
        Assert.False(report.BgNbd.Converged);
        Assert.Contains(report.Warnings, w => w.StartsWith("The BG/NBD fit did not settle", StringComparison.Ordinal));
        Assert.All(report.Customers, c => Assert.True(double.IsFinite(c.Clv) && c.Clv >= 0));
    }

    private static int HoldoutTotal() =>
        File.ReadLines(SharedData.Require(SharedData.CdnowHoldout)).Skip(1).Sum(l => int.Parse(l.Split(',')[5], CultureInfo.InvariantCulture));
}
