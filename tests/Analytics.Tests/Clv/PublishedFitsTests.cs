using Lodestar.Analytics.Clv;

namespace Lodestar.Tests.Clv;

/// <summary>
/// Our fits on the CDNOW sample (calibration weeks 1–39, built from the raw transactions by our own summary builder)
/// against the published ones, each within 1%.
/// </summary>
public sealed class PublishedFitsTests
{
    private const double Tolerance = 0.01;

    /// <summary>Fader, Hardie and Lee (2005), "Counting your customers the easy way", Marketing Science 24(2), p. 280.</summary>
    [Fact]
    public void BgNbd_CdnowSample_MatchesFaderHardieLee2005()
    {
        var fit = BgNbdModel.Fit(Cdnow.Summaries());

        Assert.Equal(2357, fit.Customers);
        AssertWithin(0.243, fit.Model.R, "r");
        AssertWithin(4.414, fit.Model.Alpha, "alpha");
        AssertWithin(0.793, fit.Model.A, "a");
        AssertWithin(2.426, fit.Model.B, "b");
        AssertWithin(-9582.4, fit.LogLikelihood, "log-likelihood");
    }

    /// <summary>Same paper, the Pareto/NBD benchmark fitted to the same data.</summary>
    [Fact]
    public void ParetoNbd_CdnowSample_MatchesFaderHardieLee2005()
    {
        var fit = ParetoNbdModel.Fit(Cdnow.Summaries());

        AssertWithin(0.553, fit.Model.R, "r");
        AssertWithin(10.578, fit.Model.Alpha, "alpha");
        AssertWithin(0.606, fit.Model.S, "s");
        AssertWithin(11.669, fit.Model.Beta, "beta");
        AssertWithin(-9595.0, fit.LogLikelihood, "log-likelihood");
    }

    /// <summary>Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value": the 946 customers with repeat purchases.</summary>
    [Fact]
    public void GammaGamma_CdnowSampleRepeatCustomers_MatchesFaderHardie2013()
    {
        var fit = GammaGammaModel.Fit(Cdnow.Summaries());

        Assert.Equal(946, fit.Customers);
        AssertWithin(6.25, fit.Model.P, "p");
        AssertWithin(3.74, fit.Model.Q, "q");
        AssertWithin(15.44, fit.Model.Gamma, "gamma");
    }

    /// <summary>The likelihood is a sum over customers: the model's own per-customer form must add up to what the fit reports.</summary>
    [Fact]
    public void LogLikelihood_PerCustomerSum_EqualsFittedValue()
    {
        var customers = Cdnow.Summaries();
        var bg = BgNbdModel.Fit(customers);
        var pareto = ParetoNbdModel.Fit(customers);

        Assert.Equal(bg.LogLikelihood, customers.Sum(c => bg.Model.LogLikelihood(c)), 6);
        Assert.Equal(pareto.LogLikelihood, customers.Sum(c => pareto.Model.LogLikelihood(c)), 6);
    }

    private static void AssertWithin(double published, double fitted, string name)
    {
        var relative = Math.Abs(fitted - published) / Math.Abs(published);
        Assert.True(relative <= Tolerance, $"{name}: fitted {fitted:G6}, published {published:G6}, relative error {relative:P2} > {Tolerance:P0}");
    }
}
