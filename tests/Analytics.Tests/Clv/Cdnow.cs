using System.Collections.Immutable;
using Lodestar.Analytics.Clv;

namespace Lodestar.Tests.Clv;

/// <summary>The CDNOW sample (Fader, Hardie and Lee 2005): 2,357 customers, calibration weeks 1–39.</summary>
internal static class Cdnow
{
    public static readonly DateOnly CalibrationEnd = new(1997, 9, 30);

    private static readonly Lazy<TransactionFile> LazyFile = new(() => TransactionFiles.Read(SharedData.CdnowSample));

    private static readonly Lazy<ImmutableArray<CustomerSummary>> LazySummaries =
        new(() => CustomerSummaries.FromTransactions(LazyFile.Value.Transactions, CalibrationEnd));

    /// <summary>The sample file read as is; skips the test when the data are absent.</summary>
    public static TransactionFile File()
    {
        SharedData.Require(SharedData.CdnowSample);
        return LazyFile.Value;
    }

    /// <summary>Calibration summaries built by our own code from the raw sample.</summary>
    public static ImmutableArray<CustomerSummary> Summaries()
    {
        SharedData.Require(SharedData.CdnowSample);
        return LazySummaries.Value;
    }
}
