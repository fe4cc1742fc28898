namespace Lodestar.Analytics.Clv;

/// <summary>Small floating-point helpers that keep the likelihoods accurate in the tails.</summary>
internal static class Numerics
{
    /// <summary>log(1 + x), accurate for tiny x (Kahan's trick: the rounding of 1 + x cancels).</summary>
    public static double Log1P(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>exp(x) − 1, accurate for tiny x.</summary>
    public static double ExpM1(double x)
    {
        if (Math.Abs(x) > 0.5)
        {
            return Math.Exp(x) - 1;
        }
        var u = Math.Exp(x);
        return u == 1 ? x : (u - 1) * x / Math.Log(u);
    }

    /// <summary>log(e^a + e^b) without overflow; either may be −∞.</summary>
    public static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }
        if (double.IsNegativeInfinity(b))
        {
            return a;
        }
        var max = Math.Max(a, b);
        return max + Log1P(Math.Exp(-Math.Abs(a - b)));
    }

    /// <summary>log(e^a − e^b) for a ≥ b; −∞ when they are equal.</summary>
    public static double LogSubExp(double a, double b)
    {
        if (double.IsNegativeInfinity(b))
        {
            return a;
        }
        var d = b - a;
        return d >= 0 ? double.NegativeInfinity : a + Math.Log(-ExpM1(d));
    }

    /// <summary>1 / (1 + e^x), without overflow.</summary>
    public static double InverseOnePlusExp(double x) => x > 0 ? Math.Exp(-x) / (1 + Math.Exp(-x)) : 1 / (1 + Math.Exp(x));
}
