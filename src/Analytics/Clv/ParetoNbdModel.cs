using static MathNet.Numerics.SpecialFunctions;

namespace Lodestar.Analytics.Clv;

/// <summary>
/// The Pareto/NBD model (Schmittlein, Morrison and Colombo 1987), in the form of Fader and Hardie's "A Note on Deriving
/// the Pareto/NBD Model and Related Expressions" (2005): while alive a customer buys at rate λ ~ Gamma(r, α) and
/// drops out at any moment at rate μ ~ Gamma(s, β). All four parameters are positive; α and β are in the data's time unit.
/// </summary>
public sealed record ParetoNbdModel : IRepeatPurchaseModel
{
    public ParetoNbdModel(double r, double alpha, double s, double beta)
    {
        R = Parameter.Positive(r, nameof(r));
        Alpha = Parameter.Positive(alpha, nameof(alpha));
        S = Parameter.Positive(s, nameof(s));
        Beta = Parameter.Positive(beta, nameof(beta));
    }

    public double R { get; }

    public double Alpha { get; }

    public double S { get; }

    public double Beta { get; }

    /// <summary>Maximum-likelihood fit to the customers' (x, t_x, T); monetary values are not used.</summary>
    public static ModelFit<ParetoNbdModel> Fit(IEnumerable<CustomerSummary> customers)
    {
        var patterns = HistoryPatterns.From(customers);
        var scale = Math.Max(patterns.MaximumAge / 10, 1e-6);
        var (p, ll, evaluations, converged) = MaximumLikelihood.Fit(q => LogLikelihood(patterns, q[0], q[1], q[2], q[3]), [1, scale, 1, scale]);
        return new ModelFit<ParetoNbdModel>(new ParetoNbdModel(p[0], p[1], p[2], p[3]), ll, patterns.Customers, evaluations, converged);
    }

    /// <summary>Σ log L over the customers.</summary>
    public double LogLikelihood(IEnumerable<CustomerSummary> customers) => LogLikelihood(HistoryPatterns.From(customers), R, Alpha, S, Beta);

    /// <inheritdoc />
    /// <remarks>
    /// Fader and Hardie (2005 note) eq. 18: L = Γ(r + x) αʳ βˢ / Γ(r) · [1 / ((α + T)^(r+x) (β + T)ˢ) + s/(r + s + x) · A₀].
    /// </remarks>
    public double LogLikelihood(in CustomerSummary customer)
    {
        var x = customer.Frequency;
        return GammaLn(R + x) - GammaLn(R) + (R * Math.Log(Alpha)) + (S * Math.Log(Beta))
            + LogBracket(R, Alpha, S, Beta, x, customer.Recency, customer.Age);
    }

    /// <inheritdoc />
    /// <remarks>Fader and Hardie (2005 note) eq. 36–37: 1 / (1 + s/(r + s + x) · (α + T)^(r+x) (β + T)ˢ A₀).</remarks>
    public double ProbabilityAlive(in CustomerSummary customer)
    {
        var x = customer.Frequency;
        var logA0 = LogA0(R, Alpha, S, Beta, x, customer.Recency, customer.Age);
        return Numerics.InverseOnePlusExp(Math.Log(S) - Math.Log(R + S + x)
            + ((R + x) * Math.Log(Alpha + customer.Age)) + (S * Math.Log(Beta + customer.Age)) + logA0);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Fader and Hardie (2005 note) eq. 41: (r + x)(β + T) / ((α + T)(s − 1)) · [1 − ((β + T)/(β + T + t))^(s−1)] · P(alive),
    /// with its s → 1 limit (r + x)(β + T)/(α + T) · ln((β + T + t)/(β + T)) taken where s is 1 to machine precision.
    /// </remarks>
    public double ExpectedPurchases(in CustomerSummary customer, double t)
    {
        Parameter.NotNegative(t, nameof(t));
        if (t == 0)
        {
            return 0;
        }
        var x = customer.Frequency;
        var logRatio = Math.Log(Beta + customer.Age) - Math.Log(Beta + customer.Age + t); // < 0
        var sm1 = S - 1;
        var growth = Math.Abs(sm1) < 1e-12 ? -logRatio : -Numerics.ExpM1(sm1 * logRatio) / sm1;
        return (R + x) * (Beta + customer.Age) / (Alpha + customer.Age) * growth * ProbabilityAlive(customer);
    }

    internal static double LogLikelihood(HistoryPatterns data, double r, double alpha, double s, double beta)
    {
        var lgR = GammaLn(r);
        Span<double> perFrequency = data.Frequencies.Length <= 512 ? stackalloc double[data.Frequencies.Length] : new double[data.Frequencies.Length];
        for (var i = 0; i < perFrequency.Length; i++)
        {
            perFrequency[i] = GammaLn(r + data.Frequencies[i]) - lgR;
        }
        var total = 0.0;
        for (var i = 0; i < data.Count; i++)
        {
            var k = data.FrequencyIndex[i];
            total += data.Weight[i] * (perFrequency[k] + LogBracket(r, alpha, s, beta, data.Frequencies[k], data.Recency[i], data.Age[i]));
        }
        return total + (data.Customers * ((r * Math.Log(alpha)) + (s * Math.Log(beta))));
    }

    /// <summary>log[(α + T)^−(r+x) (β + T)^−s + s/(r + s + x) · A₀].</summary>
    private static double LogBracket(double r, double alpha, double s, double beta, int x, double recency, double age)
    {
        var alive = (-(r + x) * Math.Log(alpha + age)) - (s * Math.Log(beta + age));
        var diedBetween = Math.Log(s) - Math.Log(r + s + x) + LogA0(r, alpha, s, beta, x, recency, age);
        return Numerics.LogAddExp(alive, diedBetween);
    }

    /// <summary>
    /// log A₀ (Fader and Hardie 2005 note, eq. 19–20). With a = r + s + x, m = max(α, β) and
    /// b = s + 1 when α ≥ β, r + x otherwise:
    /// A₀ = ₂F₁(a, b; a + 1; |α − β|/(m + t_x)) / (m + t_x)ᵃ − ₂F₁(a, b; a + 1; |α − β|/(m + T)) / (m + T)ᵃ.
    /// Choosing m as the larger of α and β keeps the argument in [0, 1). Where the series would be too slow (one of α,
    /// β thousands of times the other, met only far from any optimum) A₀ is integrated instead:
    /// A₀ = a ∫ (α + τ)^−(r+x) (β + τ)^−(s+1) dτ over [t_x, T], the density of dropping out between the last purchase and T.
    /// </summary>
    internal static double LogA0(double r, double alpha, double s, double beta, int x, double recency, double age)
    {
        if (recency >= age)
        {
            return double.NegativeInfinity;
        }
        var a = r + s + x;
        var (max, min, b) = alpha >= beta ? (alpha, beta, s + 1) : (beta, alpha, r + x);
        var first = Hypergeometric.LogF21WithCEqualsAPlusOne(a, b, (max - min) / (max + recency)) - (a * Math.Log(max + recency));
        var second = Hypergeometric.LogF21WithCEqualsAPlusOne(a, b, (max - min) / (max + age)) - (a * Math.Log(max + age));
        return double.IsFinite(first) && double.IsFinite(second)
            ? Numerics.LogSubExp(first, second)
            : LogA0ByIntegral(r, alpha, s, beta, x, recency, age);
    }

    internal static double LogA0ByIntegral(double r, double alpha, double s, double beta, int x, double recency, double age)
    {
        if (recency >= age)
        {
            return double.NegativeInfinity;
        }
        double LogDensity(double tau) => (-(r + x) * Math.Log(alpha + tau)) - ((s + 1) * Math.Log(beta + tau));
        var peak = LogDensity(recency); // the integrand falls with τ: scale by its value at t_x
        var integral = MathNet.Numerics.Integrate.GaussKronrod(tau => Math.Exp(LogDensity(tau) - peak), recency, age, 1e-12, 30, 31);
        return Math.Log(r + s + x) + peak + Math.Log(integral);
    }
}
