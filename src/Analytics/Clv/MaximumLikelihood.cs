using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Lodestar.Analytics.Clv;

/// <summary>
/// Maximum-likelihood fitting of strictly positive parameters: Nelder–Mead (MathNet) on their logarithms, so the search
/// is unconstrained and scale-free, restarted from its own optimum until a fresh simplex no longer improves the
/// likelihood. The restarts matter: the BTYD likelihoods have long flat valleys (Pareto/NBD's s and β), where a
/// single collapsed simplex can stop short.
/// </summary>
/// <remarks>
/// Small or degenerate data can put the maximum at a boundary (a parameter running off to 0 or ∞). The search is
/// therefore kept to log-parameters within ±<see cref="LogBound"/> and to an iteration budget, and the best point it
/// saw is returned with <c>Converged = false</c> instead of an exception: a poor fit is an outcome to report, not a bug.
/// </remarks>
internal static class MaximumLikelihood
{
    /// <summary>Parameters stay within e^±25 (about 1e-11 to 7e10).</summary>
    public const double LogBound = 25;

    private const double SimplexTolerance = 1e-12;
    private const int IterationsPerRun = 5_000;
    private const int MaximumRestarts = 6;

    /// <summary>What the objective returns for impossible parameters (an infinite value would poison the simplex arithmetic).</summary>
    private const double Impossible = 1e300;

    public static (double[] Parameters, double LogLikelihood, int Evaluations, bool Converged) Fit(Func<double[], double> logLikelihood, double[] start)
    {
        var evaluations = 0;
        var parameters = new double[start.Length];
        var bestValue = double.PositiveInfinity;
        var bestPoint = start.Select(v => Math.Log(v)).ToArray();
        var objective = ObjectiveFunction.Value(theta =>
        {
            evaluations++;
            for (var i = 0; i < parameters.Length; i++)
            {
                if (Math.Abs(theta[i]) > LogBound)
                {
                    return Impossible;
                }
                parameters[i] = Math.Exp(theta[i]);
            }
            var ll = logLikelihood(parameters);
            var value = double.IsFinite(ll) ? -ll : Impossible;
            if (value < bestValue)
            {
                bestValue = value;
                for (var i = 0; i < bestPoint.Length; i++)
                {
                    bestPoint[i] = theta[i];
                }
            }
            return value;
        });

        var simplex = new NelderMeadSimplex(SimplexTolerance, IterationsPerRun);
        var converged = false;
        var previous = double.PositiveInfinity;
        var step = 0.5;
        for (var restart = 0; restart <= MaximumRestarts && !converged; restart++)
        {
            try
            {
                simplex.FindMinimum(objective, Vector<double>.Build.DenseOfArray((double[])bestPoint.Clone()), Vector<double>.Build.Dense(start.Length, step));
            }
            catch (MaximumIterationsException)
            {
                break; // the best point seen so far stands; the fit is reported as not converged
            }
            converged = previous - bestValue <= 1e-9 * Math.Abs(bestValue);
            previous = bestValue;
            step = 0.05;
        }
        if (bestValue >= Impossible)
        {
            throw new InvalidOperationException("The likelihood is not finite anywhere the search went; the data cannot be fitted.");
        }
        var inside = bestPoint.All(t => Math.Abs(t) < LogBound - 1); // settled against a bound is not an interior maximum
        return ([.. bestPoint.Select(v => Math.Exp(v))], -bestValue, evaluations, converged && inside);
    }
}
