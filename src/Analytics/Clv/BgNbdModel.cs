using static MathNet.Numerics.SpecialFunctions;

namespace Lodestar.Analytics.Clv;

/// <summary>
/// The BG/NBD model (Fader, Hardie and Lee 2005, "Counting your customers the easy way", Marketing Science 24(2)):
/// while alive a customer buys at rate λ ~ Gamma(r, α); after every purchase they drop out with probability
/// p ~ Beta(a, b). All four parameters are positive; α is in the time unit of the data.
/// </summary>
public sealed record BgNbdModel : IRepeatPurchaseModel
{
    public BgNbdModel(double r, double alpha, double a, double b)
    {
        R = Parameter.Positive(r, nameof(r));
        Alpha = Parameter.Positive(alpha, nameof(alpha));
        A = Parameter.Positive(a, nameof(a));
        B = Parameter.Positive(b, nameof(b));
    }

    public double R { get; }

    public double Alpha { get; }

    public double A { get; }

    public double B { get; }

    /// <summary>Maximum-likelihood fit to the customers' (x, t_x, T); monetary values are not used.</summary>
    public static ModelFit<BgNbdModel> Fit(IEnumerable<CustomerSummary> customers)
    {
        var patterns = HistoryPatterns.From(customers);
        var scale = Math.Max(patterns.MaximumAge / 10, 1e-6);
        var (p, ll, evaluations, converged) = MaximumLikelihood.Fit(q => LogLikelihood(patterns, q[0], q[1], q[2], q[3]), [1, scale, 1, 1]);
        return new ModelFit<BgNbdModel>(new BgNbdModel(p[0], p[1], p[2], p[3]), ll, patterns.Customers, evaluations, converged);
    }

    /// <summary>Σ log L over the customers.</summary>
    public double LogLikelihood(IEnumerable<CustomerSummary> customers) => LogLikelihood(HistoryPatterns.From(customers), R, Alpha, A, B);

    /// <inheritdoc />
    /// <remarks>
    /// FHL (2005) eq. 6: L = B(a, b + x)/B(a, b) · Γ(r + x) αʳ / (Γ(r) (α + T)^(r+x))
    ///   + δ(x &gt; 0) · B(a + 1, b + x − 1)/B(a, b) · Γ(r + x) αʳ / (Γ(r) (α + t_x)^(r+x)), in logs as A₁ + A₂ + log(e^A₃ + δ e^A₄).
    /// </remarks>
    public double LogLikelihood(in CustomerSummary customer)
    {
        var x = customer.Frequency;
        return GammaLn(R + x) - GammaLn(R) + (R * Math.Log(Alpha))
            + GammaLn(A + B) + GammaLn(B + x) - GammaLn(B) - GammaLn(A + B + x)
            + LogBracket(R, Alpha, A, B, x, customer.Recency, customer.Age);
    }

    /// <inheritdoc />
    /// <remarks>FHL (2005) eq. 13, after P(alive) from their note "Computing P(alive) using the BG/NBD model".</remarks>
    public double ProbabilityAlive(in CustomerSummary customer)
    {
        var x = customer.Frequency;
        if (x == 0)
        {
            return 1; // dropping out happens only at a purchase, so no repeat purchase means certainly alive
        }
        return Numerics.InverseOnePlusExp(Math.Log(A) - Math.Log(B + x - 1)
            + ((R + x) * (Math.Log(Alpha + customer.Age) - Math.Log(Alpha + customer.Recency))));
    }

    /// <inheritdoc />
    /// <remarks>
    /// FHL (2005) eq. 10: E[Y(t) | x, t_x, T] = (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r+x)
    /// ₂F₁(r + x, b + x; a + b + x − 1; t/(α + T + t))] · P(alive). Where that form is unusable (a ≈ 1, where it is
    /// 0/0, or a + b + x ≤ 1, where ₂F₁ has a pole) it is evaluated as the integral it comes from:
    /// P(alive) · E[(1 − ((α + T)/(α + T + p t))^(r+x)) / p] over p ~ Beta(a, b + x).
    /// </remarks>
    public double ExpectedPurchases(in CustomerSummary customer, double t)
    {
        Parameter.NotNegative(t, nameof(t));
        if (t == 0)
        {
            return 0;
        }
        var x = customer.Frequency;
        var alive = ProbabilityAlive(customer);
        var ageScale = Alpha + customer.Age;
        var c = A + B + x - 1;
        if (Math.Abs(A - 1) > 1e-3 && c > 1e-3)
        {
            var logF = Hypergeometric.LogF21(R + x, B + x, c, t / (ageScale + t));
            if (double.IsFinite(logF))
            {
                var tail = Numerics.ExpM1(logF + ((R + x) * (Math.Log(ageScale) - Math.Log(ageScale + t))));
                var value = c / (A - 1) * -tail * alive;
                if (double.IsFinite(value) && value >= 0)
                {
                    return value;
                }
            }
        }
        return alive * MeanPurchasesWhileAlive(R + x, ageScale, A, B + x, t);
    }

    /// <summary>E[(1 − (k/(k + p t))^n) / p] over p ~ Beta(a, b): expected purchases in t of someone alive now.</summary>
    internal static double MeanPurchasesWhileAlive(double n, double k, double a, double b, double t)
    {
        var logBeta = BetaLn(a, b);
        double Integrand(double p)
        {
            if (p <= 0 || p >= 1)
            {
                return 0;
            }
            // (1 − (1 + p t/k)^−n)/p, with its p → 0 limit n t/k kept accurate
            var u = p * t / k;
            var purchases = -Numerics.ExpM1(-n * Numerics.Log1P(u)) / p;
            return purchases * Math.Exp(((a - 1) * Math.Log(p)) + ((b - 1) * Numerics.Log1P(-p)) - logBeta);
        }
        return MathNet.Numerics.Integrate.DoubleExponential(Integrand, 0, 1, 1e-10);
    }

    internal static double LogLikelihood(HistoryPatterns data, double r, double alpha, double a, double b)
    {
        // Per customer: [lnΓ(r + x) − lnΓ(r) + lnΓ(a + b) + lnΓ(b + x) − lnΓ(b) − lnΓ(a + b + x)] + r ln α + bracket;
        // the bracketed part depends on x alone (and is 0 at x = 0), so it is computed once per distinct x.
        var lgR = GammaLn(r);
        var lgAB = GammaLn(a + b);
        var lgB = GammaLn(b);
        Span<double> perFrequency = data.Frequencies.Length <= 512 ? stackalloc double[data.Frequencies.Length] : new double[data.Frequencies.Length];
        for (var i = 0; i < perFrequency.Length; i++)
        {
            var x = data.Frequencies[i];
            perFrequency[i] = x == 0 ? 0 : GammaLn(r + x) - lgR + lgAB + GammaLn(b + x) - lgB - GammaLn(a + b + x);
        }
        var total = 0.0;
        for (var i = 0; i < data.Count; i++)
        {
            var x = data.Frequencies[data.FrequencyIndex[i]];
            total += data.Weight[i] * (perFrequency[data.FrequencyIndex[i]] + LogBracket(r, alpha, a, b, x, data.Recency[i], data.Age[i]));
        }
        return total + (data.Customers * r * Math.Log(alpha));
    }

    /// <summary>log[(α + T)^−(r+x) + δ(x &gt; 0) · a/(b + x − 1) · (α + t_x)^−(r+x)].</summary>
    private static double LogBracket(double r, double alpha, double a, double b, int x, double recency, double age)
    {
        var a3 = -(r + x) * Math.Log(alpha + age);
        if (x == 0)
        {
            return a3;
        }
        var a4 = Math.Log(a) - Math.Log(b + x - 1) - ((r + x) * Math.Log(alpha + recency));
        return Numerics.LogAddExp(a3, a4);
    }
}
