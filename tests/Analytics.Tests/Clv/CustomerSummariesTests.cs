using System.Globalization;
using Lodestar.Analytics.Clv;

namespace Lodestar.Tests.Clv;

public sealed class CustomerSummariesTests
{
    private static readonly DateOnly D0 = new(2024, 1, 1);

    private static Transaction Buy(string customer, int day, decimal amount = 10m) => new(customer, D0.AddDays(day), amount);

    [Fact]
    public void FromTransactions_SameDayPurchases_CountAsOneOccasionWithTheDaysTotal()
    {
        var summary = Assert.Single(CustomerSummaries.FromTransactions([Buy("c", 0), Buy("c", 7, 5m), Buy("c", 7, 15m)], D0.AddDays(14)));

        Assert.Equal(1, summary.Frequency);
        Assert.Equal(1.0, summary.Recency);
        Assert.Equal(2.0, summary.Age);
        Assert.Equal(20.0, summary.MonetaryValue);
    }

    [Fact]
    public void FromTransactions_FirstPurchase_IsNeitherARepeatNorInTheMonetaryMean()
    {
        var summary = Assert.Single(CustomerSummaries.FromTransactions([Buy("c", 0, 1000m), Buy("c", 7, 10m), Buy("c", 14, 30m)], D0.AddDays(21)));

        Assert.Equal(2, summary.Frequency);
        Assert.Equal(20.0, summary.MonetaryValue);
    }

    [Fact]
    public void FromTransactions_OnlyOnePurchaseDay_HasZeroFrequencyRecencyAndMonetaryValue()
    {
        var summary = Assert.Single(CustomerSummaries.FromTransactions([Buy("c", 3, 50m), Buy("c", 3, 50m)], D0.AddDays(17)));

        Assert.Equal((0, 0.0, 2.0, 0.0), (summary.Frequency, summary.Recency, summary.Age, summary.MonetaryValue));
    }

    [Fact]
    public void FromTransactions_PurchasesAfterCalibrationEnd_AreIgnoredAndLateCustomersLeftOut()
    {
        var end = D0.AddDays(14);
        var summaries = CustomerSummaries.FromTransactions([Buy("a", 0), Buy("a", 14), Buy("a", 15), Buy("b", 15)], end);

        var a = Assert.Single(summaries);
        Assert.Equal("a", a.CustomerId);
        Assert.Equal(1, a.Frequency);
        Assert.Equal(2.0, a.Recency); // the purchase on the calibration end is inside: the end is inclusive
    }

    /// <summary>Our builder, on the raw sample, against the precomputed summaries distributed with <c>lifetimes</c> (2 decimals).</summary>
    [Fact]
    public void FromTransactions_CdnowSample_MatchesPublishedSummaries()
    {
        var ours = Cdnow.Summaries().ToDictionary(s => s.CustomerId);
        var sampleToMaster = SampleIdToMasterId();
        var published = ReadCsv(SharedData.Require(SharedData.CdnowSummary));

        Assert.Equal(2357, published.Count);
        Assert.Equal(published.Count, ours.Count);
        foreach (var row in published)
        {
            var mine = ours[sampleToMaster[int.Parse(row[0], CultureInfo.InvariantCulture)]];
            Assert.True(int.Parse(row[1], CultureInfo.InvariantCulture) == mine.Frequency, $"customer {row[0]}: frequency {mine.Frequency}, published {row[1]}");
            AssertRounded(row[2], mine.Recency, $"customer {row[0]} recency");
            AssertRounded(row[3], mine.Age, $"customer {row[0]} T");
        }
    }

    /// <summary>The mean of repeat purchases (zbar) against the Fader–Hardie summary that carries it (2 decimals).</summary>
    [Fact]
    public void FromTransactions_CdnowSample_MonetaryValueMatchesPublishedZbar()
    {
        var ours = Cdnow.Summaries().ToDictionary(s => s.CustomerId);
        var sampleToMaster = SampleIdToMasterId();
        var published = ReadCsv(SharedData.Require(SharedData.CdnowSummaryWithSpend));

        Assert.Equal(2357, published.Count);
        foreach (var row in published)
        {
            var mine = ours[sampleToMaster[int.Parse(row[0], CultureInfo.InvariantCulture)]];
            Assert.Equal(int.Parse(row[1], CultureInfo.InvariantCulture), mine.Frequency);
            AssertRounded(row[4], mine.MonetaryValue, $"customer {row[0]} zbar");
        }
    }

    private static Dictionary<int, string> SampleIdToMasterId() =>
        File.ReadLines(SharedData.Require(SharedData.CdnowSample))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .DistinctBy(f => f[1])
            .ToDictionary(f => int.Parse(f[1], CultureInfo.InvariantCulture), f => f[0]);

    private static List<string[]> ReadCsv(string path) => [.. File.ReadLines(path).Skip(1).Select(l => l.Split(','))];

    private static void AssertRounded(string published, double actual, string what)
    {
        var expected = double.Parse(published, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(expected - actual) <= 0.005 + 1e-9, $"{what}: ours {actual:F4}, published {published}");
    }
}
