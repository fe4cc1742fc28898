using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Lodestar.Analytics.Clv;

namespace Lodestar.Benchmarks;

/// <summary>
/// Fit times on the CDNOW sample (2,357 customers, calibration weeks 1–39); the budget is 1 s per fit (issue 5).
/// Each benchmark fits from scratch: nothing is cached between invocations.
/// </summary>
[MemoryDiagnoser]
public class Clv
{
    private ImmutableArray<Transaction> transactions;
    private ImmutableArray<CustomerSummary> customers;

    private static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    [GlobalSetup]
    public void Setup()
    {
        transactions = TransactionFiles.Read(SharedData.Require("cdnow/CDNOW_sample.txt")).Transactions;
        customers = CustomerSummaries.FromTransactions(transactions, CalibrationEnd);
    }

    [Benchmark]
    public ImmutableArray<CustomerSummary> Summaries() => CustomerSummaries.FromTransactions(transactions, CalibrationEnd);

    [Benchmark]
    public ModelFit<BgNbdModel> BgNbdFit() => BgNbdModel.Fit(customers);

    [Benchmark]
    public ModelFit<ParetoNbdModel> ParetoNbdFit() => ParetoNbdModel.Fit(customers);

    [Benchmark]
    public ModelFit<GammaGammaModel> GammaGammaFit() => GammaGammaModel.Fit(customers);

    /// <summary>The whole <c>clv --model pareto</c> run minus file reading: summaries, three fits, every customer's CLV over 52 weeks.</summary>
    [Benchmark]
    public ClvReport ClvAnalysisPareto() =>
        ClvAnalysis.Run(transactions, new ClvOptions { CalibrationEnd = CalibrationEnd, Model = PurchaseModelKind.ParetoNbd }).Value!;
}
