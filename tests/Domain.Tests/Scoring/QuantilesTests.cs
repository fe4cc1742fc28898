using Lodestar.Scoring;

namespace Lodestar.Tests.Scoring;

public sealed class QuantilesTests
{
    /// <summary>R's <c>mtcars$mpg</c> (32 cars), the sample of the rfm package's own test of its <c>bins()</c> helper.</summary>
    private static readonly double[] MtcarsMpg =
    [
        21.0, 21.0, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4,
        14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4,
    ];

    private static double Q(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return Quantiles.Type7(sorted, p);
    }

    // Hand-computed: h = 1 + (n - 1)p; x[floor h] + (h - floor h)(x[ceil h] - x[floor h]) on the sorted sample.
    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0.0, 1.0)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 1.0, 4.0)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0.5, 2.5)]      // h = 2.5: halfway between 2 and 3
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0.2, 1.6)]      // h = 1.6
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0.8, 3.4)]      // h = 3.4
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 0.25, 20.0)] // h = 2 exactly: no interpolation
    [InlineData(new[] { 10.0, 20, 30, 40, 50 }, 0.3, 22.0)]  // h = 2.2
    [InlineData(new[] { 4.0, 1, 3, 2 }, 0.5, 2.5)]      // unsorted input, sorted first
    [InlineData(new[] { 7.0 }, 0.6, 7.0)]               // one value: every quantile is it
    [InlineData(new[] { 5.0, 5, 5, 9 }, 0.4, 5.0)]      // equal neighbours: R takes the value as is
    public void Type7_MatchesHandComputedValues(double[] values, double p, double expected) =>
        Assert.Equal(expected, Q(values, p), 12);

    [Fact]
    public void Type7_OnMtcarsMpg_IsTheRfmPackagesBinsMinusOne()
    {
        // rfm tests/testthat/test-utils.R: bins(mtcars, mpg, 5) == c(16.20, 18.92, 22.00, 25.08), i.e. quantile(mpg,
        // seq(0, 1, length.out = 6))[2:5] + 1 (https://github.com/rsquaredacademy/rfm).
        var cuts = Quantiles.InnerProbabilities(5).Select(p => Q(MtcarsMpg, p) + 1).ToArray();

        Assert.Equal([16.20, 18.92, 22.00, 25.08], cuts.Select(c => Math.Round(c, 10)));
    }

    [Fact]
    public void InnerProbabilities_AreComputedAsRsSeqDoes()
    {
        var probs = Quantiles.InnerProbabilities(5);

        Assert.Equal([0.2, 0.4, 3 * 0.2, 0.8], probs);
        Assert.NotEqual(0.6, probs[2]); // 0.6000000000000001 in R as here
    }

    [Fact]
    public void Type7_EmptySample_IsABug() =>
        Assert.Throws<ArgumentException>(() => Quantiles.Type7([], 0.5));
}
