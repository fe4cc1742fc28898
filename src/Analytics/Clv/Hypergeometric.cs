namespace Lodestar.Analytics.Clv;

/// <summary>
/// The Gaussian hypergeometric function ₂F₁(a, b; c; z) = Σₙ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ on 0 ≤ z &lt; 1, for the parameter
/// ranges the Pareto/NBD and BG/NBD expressions need (a, b, c &gt; 0, so every term is positive and the series cannot
/// cancel). Results are logarithms, because (1 − z)^(c−a−b) and the terms overflow a double for large frequencies.
/// </summary>
internal static class Hypergeometric
{
    /// <summary>Terms after which a series is declared too slow (z too close to 1); callers then use an integral.</summary>
    public const int MaximumTerms = 200_000;

    private const double Tolerance = 1e-15;

    /// <summary>
    /// log ₂F₁(a, b; a + 1; z), the form in the Pareto/NBD A₀ term, for a &gt; 0, 0 &lt; b &lt; a + 1, 0 ≤ z &lt; 1.
    /// Summed after Euler's transformation ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z), which with
    /// c = a + 1 gives ₂F₁(1, a + 1 − b; a + 1; z): its term ratios (a + 1 − b + n) / (a + 1 + n) · z are below z, so
    /// the terms fall geometrically from the first and the tail after term n is bounded by tₙ z / (1 − z).
    /// NaN when the series needs more than <see cref="MaximumTerms"/> terms.
    /// </summary>
    public static double LogF21WithCEqualsAPlusOne(double a, double b, double z)
    {
        if (z == 0)
        {
            return 0;
        }
        var c = a + 1;
        var b2 = c - b;
        double sum = 1, term = 1;
        for (var n = 0; n < MaximumTerms; n++)
        {
            term *= (b2 + n) / (c + n) * z;
            sum += term;
            if (term * z <= Tolerance * sum * (1 - z))
            {
                return (1 - b) * Numerics.Log1P(-z) + Math.Log(sum);
            }
        }
        return double.NaN;
    }

    /// <summary>
    /// log ₂F₁(a, b; c; z) for a, b, c &gt; 0 and 0 ≤ z &lt; 1 by the defining series, rescaled when the terms grow
    /// (they rise while (a + n)(b + n) z &gt; (c + n)(n + 1), which for large a, b happens for many terms).
    /// NaN when the series needs more than <see cref="MaximumTerms"/> terms.
    /// </summary>
    /// <remarks>
    /// Stopping rule: the ratio of term n + 1 to term n is z·(1 + (K n + L) / ((c + n)(n + 1))) with K = a + b − c − 1 and
    /// L = ab − c, so for every m ≥ n it is at most q = z·(1 + |K| / (n + 1) + |L| / ((c + n)(n + 1))); once q &lt; 1 the tail
    /// is below tₙ q / (1 − q), and the sum stops when that is negligible. The bound holds whatever the shape of the ratios.
    /// </remarks>
    public static double LogF21(double a, double b, double c, double z)
    {
        if (z == 0)
        {
            return 0;
        }
        var k = Math.Abs(a + b - c - 1);
        var l = Math.Abs((a * b) - c);
        double sum = 1, term = 1, logScale = 0;
        for (var n = 0; n < MaximumTerms; n++)
        {
            term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            sum += term;
            if (sum > 1e250)
            {
                sum *= 1e-250;
                term *= 1e-250;
                logScale += 250 * Math.Log(10);
            }
            var m = n + 1;
            var q = z * (1 + (k / (m + 1)) + (l / ((c + m) * (m + 1))));
            if (q < 1 && term * q <= Tolerance * sum * (1 - q))
            {
                return logScale + Math.Log(sum);
            }
        }
        return double.NaN;
    }
}
