namespace Lodestar.Analytics.Clv;

/// <summary>
/// Discounted customer lifetime value over a finite horizon, the way the <c>lifetimes</c> package computes it: the
/// horizon is cut into months; each month's expected purchases (the increase of E[Y(t)] over the month) are valued at
/// the expected spend per purchase and discounted at the monthly rate to the month's end.
/// </summary>
public static class CustomerLifetimeValue
{
    /// <summary>An average month in weeks (365.25 / 12 / 7).</summary>
    public const double WeeksPerMonth = 365.25 / 12 / 7;

    /// <summary>
    /// Σₖ v · (E[Y(tₖ)] − E[Y(tₖ₋₁)]) / (1 + d)^(tₖ / month), tₖ = min(k · month, horizon); the last month may be partial
    /// and is discounted by its fraction. Times are in the unit of the summaries (weeks, by default); never negative
    /// for v ≥ 0, because E[Y(t)] does not fall with t (tiny negative steps from rounding are counted as zero).
    /// </summary>
    /// <param name="purchases">The fitted model of purchase counts.</param>
    /// <param name="customer">The customer's calibration history.</param>
    /// <param name="averageValue">Expected value per future purchase (e.g. <see cref="GammaGammaModel.ExpectedAverageValue"/>).</param>
    /// <param name="horizon">How far ahead, in the time unit of the summaries.</param>
    /// <param name="monthlyDiscountRate">d, e.g. 0.01 for 1% a month (about 12.7% a year).</param>
    /// <param name="monthLength">A month in the time unit of the summaries.</param>
    public static double Discounted(IRepeatPurchaseModel purchases, in CustomerSummary customer, double averageValue,
        double horizon, double monthlyDiscountRate, double monthLength = WeeksPerMonth)
    {
        ArgumentNullException.ThrowIfNull(purchases);
        Parameter.NotNegative(averageValue, nameof(averageValue));
        Parameter.NotNegative(horizon, nameof(horizon));
        Parameter.NotNegative(monthlyDiscountRate, nameof(monthlyDiscountRate));
        Parameter.Positive(monthLength, nameof(monthLength));
        var value = 0.0;
        var before = 0.0;
        var logDiscount = Math.Log(1 + monthlyDiscountRate);
        for (var k = 1; (k - 1) * monthLength < horizon; k++)
        {
            var end = Math.Min(k * monthLength, horizon);
            var cumulative = purchases.ExpectedPurchases(customer, end);
            value += averageValue * Math.Max(0, cumulative - before) * Math.Exp(-logDiscount * end / monthLength);
            before = Math.Max(before, cumulative);
        }
        return value;
    }
}
