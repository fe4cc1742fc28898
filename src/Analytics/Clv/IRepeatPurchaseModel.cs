namespace Lodestar.Analytics.Clv;

/// <summary>
/// A fitted buy-till-you-die model of purchase counts (BG/NBD or Pareto/NBD): while alive a customer buys at a
/// Poisson rate; at some unobserved moment they drop out for good. Times are in the unit of the summaries.
/// </summary>
public interface IRepeatPurchaseModel
{
    /// <summary>log L(parameters | x, t_x, T) for one customer.</summary>
    double LogLikelihood(in CustomerSummary customer);

    /// <summary>E[Y(t) | x, t_x, T]: expected purchases in the <paramref name="t"/> time units after the calibration end.</summary>
    double ExpectedPurchases(in CustomerSummary customer, double t);

    /// <summary>P(alive | x, t_x, T) at the calibration end.</summary>
    double ProbabilityAlive(in CustomerSummary customer);
}
