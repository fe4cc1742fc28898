using static MathNet.Numerics.SpecialFunctions;

namespace Lodestar.Analytics.Clv;

/// <summary>
/// The Gamma-Gamma model of spend per transaction (Fader and Hardie 2013, "The Gamma-Gamma Model of Monetary Value";
/// Fader, Hardie and Lee 2005, "RFM and CLV"): a customer's transaction values are Gamma(p, ν) around their mean
/// p/ν, with ν ~ Gamma(q, γ) across customers. γ is in money units. Assumes spend independent of purchase frequency.
/// </summary>
public sealed record GammaGammaModel
{
    public GammaGammaModel(double p, double q, double gamma)
    {
        P = Parameter.Positive(p, nameof(p));
        Q = Parameter.Positive(q, nameof(q));
        Gamma = Parameter.Positive(gamma, nameof(gamma));
    }

    public double P { get; }

    public double Q { get; }

    public double Gamma { get; }

    /// <summary>Mean spend per transaction across customers, pγ/(q − 1); infinite (undefined) when q ≤ 1.</summary>
    public double PopulationMean => Q > 1 ? P * Gamma / (Q - 1) : double.PositiveInfinity;

    /// <summary>
    /// Maximum-likelihood fit on the customers with at least one repeat purchase and a positive mean
    /// (the others carry no information on spend, or are outside the model: a Gamma mean is positive).
    /// </summary>
    public static ModelFit<GammaGammaModel> Fit(IEnumerable<CustomerSummary> customers)
    {
        var repeat = customers.Where(c => c.Frequency > 0 && c.MonetaryValue > 0).ToArray();
        if (repeat.Length == 0)
        {
            throw new ArgumentException("No customer with a repeat purchase of positive value: spend cannot be fitted.", nameof(customers));
        }
        var x = repeat.Select(c => (double)c.Frequency).ToArray();
        var m = repeat.Select(c => c.MonetaryValue).ToArray();
        var (p, ll, evaluations, converged) = MaximumLikelihood.Fit(q => LogLikelihood(x, m, q[0], q[1], q[2]), [1, 1, m.Average()]);
        return new ModelFit<GammaGammaModel>(new GammaGammaModel(p[0], p[1], p[2]), ll, repeat.Length, evaluations, converged);
    }

    /// <summary>
    /// E[mean spend per transaction | x, m̄] = (q − 1)/(px + q − 1) · pγ/(q − 1) + px/(px + q − 1) · m̄ = p(γ + x m̄)/(px + q − 1):
    /// the population mean shrunk towards the customer's own mean the more purchases they made (FH 2013 eq. 5).
    /// For x = 0 that is the population mean, undefined (infinite) when q ≤ 1; for x &gt; 0 it is finite whenever px + q &gt; 1.
    /// </summary>
    public double ExpectedAverageValue(in CustomerSummary customer)
    {
        var x = customer.Frequency;
        var denominator = (P * x) + Q - 1;
        return denominator > 0 ? P * (Gamma + (x * customer.MonetaryValue)) / denominator : double.PositiveInfinity;
    }

    /// <summary>Σ log f(m̄ | x; p, q, γ) over the customers the fit would use.</summary>
    public double LogLikelihood(IEnumerable<CustomerSummary> customers)
    {
        var repeat = customers.Where(c => c.Frequency > 0 && c.MonetaryValue > 0).ToArray();
        return LogLikelihood([.. repeat.Select(c => (double)c.Frequency)], [.. repeat.Select(c => c.MonetaryValue)], P, Q, Gamma);
    }

    /// <summary>
    /// The density of a customer's mean of x values, each Gamma(p, ν), with ν ~ Gamma(q, γ) (FH 2013 eq. 3):
    /// f(m̄ | x) = Γ(px + q) / (Γ(px) Γ(q)) · γ^q m̄^(px−1) x^(px) / (γ + x m̄)^(px+q).
    /// </summary>
    internal static double LogLikelihood(double[] x, double[] m, double p, double q, double gamma)
    {
        var total = 0.0;
        var fixedPart = (q * Math.Log(gamma)) - GammaLn(q);
        for (var i = 0; i < x.Length; i++)
        {
            var px = p * x[i];
            total += GammaLn(px + q) - GammaLn(px) + fixedPart + ((px - 1) * Math.Log(m[i])) + (px * Math.Log(x[i])) - ((px + q) * Math.Log(gamma + (x[i] * m[i])));
        }
        return total;
    }
}
