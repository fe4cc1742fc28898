using Lodestar.Scoring;

namespace Lodestar.Tests.Scoring;

/// <summary>
/// RFM on the R package <c>rfm</c>'s <c>rfm_data_orders</c> at 2006-12-31, against what the package publishes
/// (https://github.com/rsquaredacademy/rfm): its tests (tests/testthat/test-rfm-table.R, test-rfm-segment.R) and its
/// introduction vignette (vignettes/rfm-introduction.Rmd, rendered as docs/articles/rfm-introduction.html, rfm
/// 0.3.0.9000, 2024-02-26). The package's older test data carried name suffixes ("Abbey O'Reilly DVM"); the data set
/// in shared/data has the same orders under the plain names the vignette shows.
/// </summary>
public sealed class RfmReproductionTests
{
    private static RfmAnalysis Analyse(RfmScheme? scheme = null)
    {
        var table = RfmOrders.Aggregate(RfmReferenceData.Orders(), RfmReferenceData.AnalysisDate);
        return Rfm.Analyse(table.Customers, scheme ?? RfmScheme.Default);
    }

    [Fact]
    public void Aggregate_RfmDataOrders_Has4906TransactionsOf995Customers()
    {
        var table = RfmOrders.Aggregate(RfmReferenceData.Orders(), RfmReferenceData.AnalysisDate);

        Assert.Equal(4_906, table.Transactions); // test-rfm-table.R: sum(transaction_count) == 4906
        Assert.Equal(995, table.Customers.Length); // the vignette: "A tibble: 995 x ..."
        Assert.Equal(4_906, table.Customers.Sum(c => c.Orders));
    }

    [Fact]
    public void Fit_RfmDataOrders_CutsAreTheType7QuintilesPlusOne()
    {
        var model = Analyse().Model;

        // The package's documented custom thresholds, c(115, 181, 297, 482), c(4, 5, 6, 8), c(256, 382, 506, 666),
        // are these default cuts rounded (rfm_table_order's examples).
        Assert.Equal([115, 181, 297.4, 482], model.RecencyCuts.Select(c => Math.Round(c, 9)));
        Assert.Equal([4, 5, 6, 8], model.FrequencyCuts);
        Assert.Equal([255.8, 382, 506.4, 666], model.MonetaryCuts.Select(c => Math.Round(c, 9)));
    }

    // The first ten rows of the vignette's rfm_table_order output: recency days, orders, amount and rfm_score.
    [Theory]
    [InlineData("Abbey O'Reilly", 205, 6, 472, 343)]
    [InlineData("Add Senger", 140, 3, 340, 412)]
    [InlineData("Aden Lesch", 194, 4, 405, 323)]
    [InlineData("Aden Murphy", 98, 7, 596, 544)]
    [InlineData("Admiral Senger", 132, 5, 448, 433)]
    [InlineData("Agness O'Keefe", 90, 9, 843, 555)]
    [InlineData("Aileen Barton", 84, 9, 763, 555)]
    [InlineData("Ailene Hermann", 281, 8, 699, 355)]
    [InlineData("Aiyanna Bruen", 246, 4, 157, 321)]
    [InlineData("Akeelah Walsh", 160, 7, 779, 445)]
    public void Score_VignetteCustomers_MatchTheirPublishedScores(string customer, int days, long orders, double amount, int rfmScore)
    {
        var result = Analyse().Customers.Single(r => r.Customer.Key == customer);

        Assert.Equal((days, orders, amount), (result.Customer.RecencyDays, result.Customer.Orders, result.Customer.Monetary));
        Assert.Equal(rfmScore, result.Score.Code);
    }

    // test-rfm-segment.R: the first ten customers' segments under the rules of issue 5 (the test's segment intervals).
    [Theory]
    [InlineData("Abbey O'Reilly", "Loyal Customers")]
    [InlineData("Add Senger", "Potential Loyalist")]
    [InlineData("Aden Lesch", "Potential Loyalist")]
    [InlineData("Admiral Senger", "Loyal Customers")]
    [InlineData("Agness O'Keefe", "Champions")]
    [InlineData("Aileen Barton", "Champions")]
    [InlineData("Ailene Hermann", "Loyal Customers")]
    [InlineData("Aiyanna Bruen", "Potential Loyalist")]
    [InlineData("Ala Schmidt", "About To Sleep")]
    [InlineData("Alannah Borer", "Lost")]
    public void Segment_DefaultRules_MatchThePackagesSegmentTest(string customer, string segment) =>
        Assert.Equal(segment, Analyse().Customers.Single(r => r.Customer.Key == customer).Segment);

    [Fact]
    public void Summary_DefaultRules_ChampionsMatchThePackagesTestAndTheRestAreAsDerived()
    {
        var segments = Analyse().Segments.ToDictionary(s => s.Name);

        // Published (test-rfm-segment.R): Champions 158 customers, 1,234 orders, revenue 120,178.
        Assert.Equal((158, 1_234L, 120_178.0), Row(segments["Champions"]));

        // Derived by this implementation; no published source lists them for these rules. The vignette-rules test
        // below checks every row of a full published summary.
        Assert.Equal((278, 1_708L, 166_712.0), Row(segments["Loyal Customers"]));
        Assert.Equal((229, 801L, 65_873.0), Row(segments["Potential Loyalist"]));
        Assert.Equal((0, 0L, 0.0), Row(segments["New Customers"]));      // R3+ F1 M1 is taken by Potential Loyalist first
        Assert.Equal((0, 0L, 0.0), Row(segments["Promising"]));
        Assert.Equal((35, 144L, 13_287.0), Row(segments["Need Attention"]));
        Assert.Equal((50, 127L, 10_914.0), Row(segments["About To Sleep"]));
        Assert.Equal((86, 438L, 44_178.0), Row(segments["At Risk"]));
        Assert.Equal((0, 0L, 0.0), Row(segments["Can't Lose Them"]));    // R1 F4-5 M4-5 is taken by At Risk first
        Assert.Equal((111, 244L, 20_955.0), Row(segments["Lost"]));
        Assert.Equal((48, 210L, 22_061.0), Row(segments["Others"]));
        Assert.Equal(995, segments.Values.Sum(s => s.Customers));
        Assert.Equal(4_906, segments.Values.Sum(s => s.Orders));
    }

    /// <summary>The segment rules of the package's vignette and <c>rfm_segment</c> examples, as configuration.</summary>
    private const string VignetteScheme = """
        {
          "recency": { "bins": 5 }, "frequency": { "bins": 5 }, "monetary": { "bins": 5 },
          "segments": [
            { "name": "Champions",          "recency": [5, 5], "frequency": [5, 5], "monetary": [5, 5] },
            { "name": "Potential Loyalist", "recency": [3, 5], "frequency": [3, 5], "monetary": [2, 5] },
            { "name": "Loyal Customers",    "recency": [2, 4], "frequency": [2, 4], "monetary": [2, 4] },
            { "name": "Promising",          "recency": [3, 4], "frequency": [1, 3], "monetary": [3, 5] },
            { "name": "New Customers",      "recency": [4, 5], "frequency": [1, 3], "monetary": [1, 5] },
            { "name": "Can't Lose Them",    "recency": [1, 2], "frequency": [3, 4], "monetary": [4, 5] },
            { "name": "At Risk",            "recency": [1, 2], "frequency": [2, 5], "monetary": [4, 5] },
            { "name": "Need Attention",     "recency": [1, 3], "frequency": [3, 5], "monetary": [3, 5] },
            { "name": "About To Sleep",     "recency": [2, 3], "frequency": [1, 3], "monetary": [1, 4] },
            { "name": "Lost",               "recency": [1, 1], "frequency": [1, 5], "monetary": [1, 5] }
          ],
          "otherwise": "Others"
        }
        """;

    [Fact]
    public void Summary_VignetteRules_MatchTheVignettesSegmentSummaryRowForRow()
    {
        var scheme = RfmScheme.Parse(VignetteScheme);
        Assert.True(scheme.IsValid, string.Join("; ", scheme.Errors));

        var segments = Analyse(scheme.Value).Segments.ToDictionary(s => s.Name);

        // rfm_segment_summary(segments) in the vignette: customers, orders, revenue.
        Assert.Equal((102, 283L, 23_449.0), Row(segments["About To Sleep"]));
        Assert.Equal((28, 216L, 22_227.0), Row(segments["At Risk"]));
        Assert.Equal((47, 274L, 32_446.0), Row(segments["Can't Lose Them"]));
        Assert.Equal((35, 316L, 31_646.0), Row(segments["Champions"]));
        Assert.Equal((148, 393L, 35_324.0), Row(segments["Lost"]));
        Assert.Equal((170, 799L, 76_562.0), Row(segments["Loyal Customers"]));
        Assert.Equal((10, 57L, 4_562.0), Row(segments["Need Attention"]));
        Assert.Equal((104, 329L, 28_837.0), Row(segments["New Customers"]));
        Assert.Equal((342, 2_211L, 204_856.0), Row(segments["Potential Loyalist"]));
        Assert.Equal((9, 28L, 4_249.0), Row(segments["Promising"]));
        Assert.Equal(0, segments["Others"].Customers);
    }

    [Fact]
    public void Fit_FixedThresholds_AreUsedAsGivenWithoutPlusOne()
    {
        // rfm_table_order(..., recency_bins = c(115, 181, 297, 482), frequency_bins = c(4, 5, 6, 8),
        // monetary_bins = c(256, 382, 506, 666)): still 4,906 transactions (test-rfm-table.R).
        var scheme = new RfmScheme(RfmBinning.Fixed(115, 181, 297, 482), RfmBinning.Fixed(4, 5, 6, 8), RfmBinning.Fixed(256, 382, 506, 666), RfmScheme.Default.Segments);

        var analysis = Analyse(scheme);

        Assert.Equal(4_906, analysis.Transactions);
        Assert.Equal([115.0, 181, 297, 482], analysis.Model.RecencyCuts);
        var abbey = analysis.Customers.Single(r => r.Customer.Key == "Abbey O'Reilly"); // 205 days, 6 orders, 472
        Assert.Equal(RfmScore.Create(3, 4, 3), abbey.Score);
    }

    private static (int, long, double) Row(RfmSegmentSummary s) => (s.Customers, s.Orders, s.Revenue);
}
