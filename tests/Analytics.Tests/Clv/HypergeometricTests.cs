using Lodestar.Analytics.Clv;

namespace Lodestar.Tests.Clv;

public sealed class HypergeometricTests
{
    public static TheoryData<double> Arguments => [0.0, 1e-8, 0.01, 0.3, 0.5, 0.9, 0.99, 0.999];

    /// <summary>₂F₁(1, 1; 2; z) = −ln(1 − z)/z (Abramowitz and Stegun 15.1.3).</summary>
    [Theory]
    [MemberData(nameof(Arguments))]
    public void LogF21_OneOneTwo_IsMinusLogOneMinusZOverZ(double z)
    {
        var expected = z == 0 ? 0 : Math.Log(-Numerics.Log1P(-z) / z);

        Assert.Equal(expected, Hypergeometric.LogF21(1, 1, 2, z), 12);
        Assert.Equal(expected, Hypergeometric.LogF21WithCEqualsAPlusOne(1, 1, z), 12);
    }

    /// <summary>₂F₁(a, b; b; z) = (1 − z)^−a (A&amp;S 15.1.8), including parameters large enough that the terms overflow unscaled.</summary>
    [Theory]
    [InlineData(0.7, 2.3, 0.4)]
    [InlineData(30.5, 12.0, 0.9)]
    [InlineData(400.0, 350.0, 0.95)]
    public void LogF21_CEqualsB_IsPowerOfOneMinusZ(double a, double b, double z)
    {
        var expected = -a * Math.Log(1 - z);

        Assert.Equal(expected, Hypergeometric.LogF21(a, b, b, z), 9);
    }

    /// <summary>The Euler-transformed Pareto/NBD form agrees with the plain series wherever both converge.</summary>
    [Theory]
    [InlineData(1.2, 1.6, 0.1)]
    [InlineData(3.5, 1.6, 0.5)]
    [InlineData(20.3, 0.4, 0.8)]
    [InlineData(50.1, 49.0, 0.97)]
    public void LogF21WithCEqualsAPlusOne_AgreesWithDefiningSeries(double a, double b, double z) =>
        Assert.Equal(Hypergeometric.LogF21(a, b, a + 1, z), Hypergeometric.LogF21WithCEqualsAPlusOne(a, b, z), 10);

    /// <summary>A₀ by the hypergeometric series (the path the fit uses) equals A₀ as the integral it is derived from.</summary>
    [Theory]
    [InlineData(0.553, 10.578, 0.606, 11.669, 0, 0.0, 38.86)]
    [InlineData(0.553, 10.578, 0.606, 11.669, 4, 20.1, 38.86)]
    [InlineData(0.553, 10.578, 0.606, 11.669, 20, 30.0, 31.0)]
    [InlineData(2.0, 0.5, 0.3, 40.0, 3, 5.0, 50.0)]
    [InlineData(0.2, 60.0, 3.0, 0.8, 12, 10.0, 70.0)]
    public void ParetoA0_Series_EqualsIntegral(double r, double alpha, double s, double beta, int x, double recency, double age)
    {
        var series = ParetoNbdModel.LogA0(r, alpha, s, beta, x, recency, age);
        var integral = ParetoNbdModel.LogA0ByIntegral(r, alpha, s, beta, x, recency, age);

        Assert.Equal(integral, series, 8);
    }

    /// <summary>BG/NBD E[Y(t)]: the closed form with ₂F₁ (FHL 2005 eq. 10) equals its integral over the drop-out probability.</summary>
    [Theory]
    [InlineData(0, 0.0, 38.86, 39.0)]
    [InlineData(1, 1.71, 38.86, 39.0)]
    [InlineData(2, 30.43, 38.86, 52.0)]
    [InlineData(26, 30.86, 31.0, 520.0)]
    public void BgNbdExpectedPurchases_ClosedForm_EqualsIntegral(int x, double recency, double age, double t)
    {
        var model = new BgNbdModel(0.243, 4.414, 0.793, 2.426);
        var customer = CustomerSummary.Create("c", x, recency, age);

        var closedForm = model.ExpectedPurchases(customer, t);
        var integral = model.ProbabilityAlive(customer) * BgNbdModel.MeanPurchasesWhileAlive(model.R + x, model.Alpha + age, model.A, model.B + x, t);

        Assert.True(Math.Abs(closedForm - integral) <= 1e-8 * integral, $"closed form {closedForm:R}, integral {integral:R}");
    }

    /// <summary>Where the closed form is 0/0 (a = 1) the integral takes over, and the result is continuous across it.</summary>
    [Fact]
    public void BgNbdExpectedPurchases_AtAEqualsOne_IsContinuous()
    {
        var customer = CustomerSummary.Create("c", 3, 20, 40);

        var at = new BgNbdModel(0.5, 5, 1, 2).ExpectedPurchases(customer, 52);
        var near = new BgNbdModel(0.5, 5, 1 + 1e-3, 2).ExpectedPurchases(customer, 52);

        Assert.Equal(near, at, 2);
    }

    [Theory]
    [InlineData(1e-20)]
    [InlineData(-1e-10)]
    [InlineData(3e-6)]
    public void Log1PAndExpM1_NearZero_KeepFullRelativePrecision(double x)
    {
        // log(1 + x) = x − x²/2 + x³/3 − …, e^x − 1 = x + x²/2 + x³/6 + …: the naive forms lose most digits here, ours none.
        Assert.True(Math.Abs(Numerics.Log1P(x) - (x - (x * x / 2) + (x * x * x / 3))) <= 1e-15 * Math.Abs(x));
        Assert.True(Math.Abs(Numerics.ExpM1(x) - (x + (x * x / 2) + (x * x * x / 6))) <= 1e-15 * Math.Abs(x));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-0.7)]
    [InlineData(5.0)]
    public void Log1PAndExpM1_AwayFromZero_MatchTheNaiveForms(double x)
    {
        Assert.Equal(Math.Log(1 + x), Numerics.Log1P(x), 14);
        Assert.Equal(Math.Exp(x) - 1, Numerics.ExpM1(x), 12);
    }
}
