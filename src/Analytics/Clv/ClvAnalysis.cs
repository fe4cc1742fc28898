using System.Collections.Immutable;
using Lodestar.Validation;
using MathNet.Numerics.Statistics;

namespace Lodestar.Analytics.Clv;

/// <summary>Which model of purchase counts drives the predictions.</summary>
public enum PurchaseModelKind
{
    /// <summary>BG/NBD: drop-out can happen only right after a purchase.</summary>
    BgNbd,

    /// <summary>Pareto/NBD: drop-out can happen at any moment.</summary>
    ParetoNbd,
}

/// <summary>Settings of a CLV run.</summary>
public sealed record ClvOptions
{
    /// <summary>Last day (inclusive) of the calibration period; default: the day of the last purchase in the data.</summary>
    public DateOnly? CalibrationEnd { get; init; }

    /// <summary>How far ahead purchases and value are predicted, in weeks.</summary>
    public double HorizonWeeks { get; init; } = 52;

    public PurchaseModelKind Model { get; init; } = PurchaseModelKind.BgNbd;

    /// <summary>Monthly discount rate of future value (0.01 = 1% a month, the <c>lifetimes</c> default).</summary>
    public double MonthlyDiscountRate { get; init; } = 0.01;
}

/// <summary>
/// One customer's calibration history (x, t_x and T in weeks, m̄) and predictions over the horizon: P(alive) at the
/// calibration end, expected purchases, expected spend per purchase, discounted CLV. <c>HoldoutPurchases</c>: purchase
/// days after the calibration end within the horizon, when the data reach past it (null otherwise).
/// </summary>
public sealed record CustomerValue(
    string CustomerId,
    int Frequency,
    double Recency,
    double Age,
    double MonetaryValue,
    double ProbabilityAlive,
    double ExpectedPurchases,
    double ExpectedAverageValue,
    double Clv,
    int? HoldoutPurchases);

/// <summary>Predicted against actual repeat purchases in the part of the horizon that the data already cover.</summary>
public sealed record HoldoutComparison(DateOnly From, DateOnly To, double Weeks, double PredictedPurchases, int ActualPurchases);

/// <summary>
/// The outcome of a CLV run: the fits and every customer's value, highest first. <c>ParetoNbd</c> is present when the
/// Pareto/NBD model was asked for; <c>FrequencyMonetaryCorrelation</c> is the Pearson correlation of x and m̄ among
/// repeat customers, which Gamma-Gamma assumes is near 0; <c>Transactions</c> counts the rows up to the calibration end.
/// </summary>
public sealed record ClvReport(
    DateOnly CalibrationEnd,
    ClvOptions Options,
    int Transactions,
    int RepeatCustomers,
    ModelFit<BgNbdModel> BgNbd,
    ModelFit<ParetoNbdModel>? ParetoNbd,
    ModelFit<GammaGammaModel> GammaGamma,
    double FrequencyMonetaryCorrelation,
    HoldoutComparison? Holdout,
    ImmutableArray<CustomerValue> Customers,
    ImmutableArray<string> Warnings);

/// <summary>
/// Fits BG/NBD (always), Pareto/NBD (when chosen) and Gamma-Gamma to purchases up to the calibration end, and values every
/// customer: P(alive), expected purchases and discounted CLV over the horizon. Time in weeks. Pure: same input, same report.
/// </summary>
public static class ClvAnalysis
{
    public static Validated<ClvReport> Run(IReadOnlyCollection<Transaction> transactions, ClvOptions options)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<FieldError>();
        if (!double.IsFinite(options.HorizonWeeks) || options.HorizonWeeks < 0)
        {
            errors.Add(new FieldError("/horizonWeeks", "The horizon is a number of weeks, zero or more."));
        }
        if (!double.IsFinite(options.MonthlyDiscountRate) || options.MonthlyDiscountRate < 0)
        {
            errors.Add(new FieldError("/monthlyDiscountRate", "The discount rate is zero or more (0.01 = 1% a month)."));
        }
        if (transactions.Count == 0)
        {
            errors.Add(new FieldError("/transactions", "There are no transactions."));
        }
        if (errors.Count > 0)
        {
            return Validated<ClvReport>.Fail(errors);
        }

        var calibrationEnd = options.CalibrationEnd ?? transactions.Max(t => t.Date);
        var customers = CustomerSummaries.FromTransactions(transactions, calibrationEnd);
        if (customers.Length == 0)
        {
            return Validated<ClvReport>.Fail([new FieldError("/calibrationEnd", $"No customer made a purchase on or before {calibrationEnd:yyyy-MM-dd}.")]);
        }
        var repeat = customers.Count(c => c.Frequency > 0 && c.MonetaryValue > 0);
        if (repeat == 0)
        {
            return Validated<ClvReport>.Fail([new FieldError("/transactions",
                $"No customer bought again (on a later day, for a positive amount) by {calibrationEnd:yyyy-MM-dd}: repeat rates and spend cannot be fitted.")]);
        }

        var warnings = ImmutableArray.CreateBuilder<string>();
        var bgNbd = BgNbdModel.Fit(customers);
        var paretoNbd = options.Model == PurchaseModelKind.ParetoNbd ? ParetoNbdModel.Fit(customers) : null;
        IRepeatPurchaseModel purchases = paretoNbd is null ? bgNbd.Model : paretoNbd.Model;
        var spend = GammaGammaModel.Fit(customers);
        foreach (var (name, converged) in new[] { ("BG/NBD", bgNbd.Converged), ("Pareto/NBD", paretoNbd?.Converged ?? true), ("Gamma-Gamma", spend.Converged) })
        {
            if (!converged)
            {
                warnings.Add($"The {name} fit did not settle at an interior maximum (too little or atypical data?); its predictions are unreliable.");
            }
        }
        var repeaters = customers.Where(c => c.Frequency > 0 && c.MonetaryValue > 0).ToArray();
        var correlation = repeaters.Length > 2 ? Correlation.Pearson(repeaters.Select(c => (double)c.Frequency), repeaters.Select(c => c.MonetaryValue)) : 0;
        if (double.IsNaN(correlation))
        {
            correlation = 0;
        }
        if (Math.Abs(correlation) >= 0.3)
        {
            warnings.Add($"Frequency and spend are correlated (r = {correlation:F2}); Gamma-Gamma assumes they are not, so CLV is less reliable.");
        }
        var observedMean = repeaters.Average(c => c.MonetaryValue);
        if (double.IsInfinity(spend.Model.PopulationMean))
        {
            warnings.Add($"Gamma-Gamma q = {spend.Model.Q:F3} ≤ 1: mean spend has no finite population value; customers without repeat purchases are valued at the observed mean of repeat spend ({observedMean:F2}).");
        }

        var holdoutEnd = calibrationEnd.AddDays((int)Math.Floor(options.HorizonWeeks * CustomerSummaries.DaysPerWeek));
        var lastDate = transactions.Max(t => t.Date);
        var hasHoldout = lastDate > calibrationEnd && options.HorizonWeeks > 0;
        var holdoutTo = hasHoldout ? (lastDate < holdoutEnd ? lastDate : holdoutEnd) : calibrationEnd;
        var holdoutWeeks = CustomerSummaries.Weeks(calibrationEnd, holdoutTo);
        var actual = hasHoldout ? CustomerSummaries.OccasionsBetween(transactions, calibrationEnd, holdoutTo) : ImmutableDictionary<string, int>.Empty;

        var values = ImmutableArray.CreateBuilder<CustomerValue>(customers.Length);
        var predictedHoldout = 0.0;
        var actualHoldout = 0;
        foreach (var c in customers)
        {
            var average = spend.Model.ExpectedAverageValue(c);
            if (double.IsInfinity(average))
            {
                average = c.Frequency > 0 && c.MonetaryValue > 0 ? c.MonetaryValue : observedMean;
            }
            int? holdout = null;
            if (hasHoldout)
            {
                holdout = actual.GetValueOrDefault(c.CustomerId);
                actualHoldout += holdout.Value;
                predictedHoldout += purchases.ExpectedPurchases(c, holdoutWeeks);
            }
            values.Add(new CustomerValue(
                c.CustomerId, c.Frequency, c.Recency, c.Age, c.MonetaryValue,
                purchases.ProbabilityAlive(c),
                purchases.ExpectedPurchases(c, options.HorizonWeeks),
                average,
                CustomerLifetimeValue.Discounted(purchases, c, average, options.HorizonWeeks, options.MonthlyDiscountRate),
                holdout));
        }

        var ranked = values.OrderByDescending(v => v.Clv).ThenBy(v => v.CustomerId, StringComparer.Ordinal).ToImmutableArray();
        return Validated<ClvReport>.Ok(new ClvReport(
            calibrationEnd, options with { CalibrationEnd = calibrationEnd }, transactions.Count(t => t.Date <= calibrationEnd), repeat,
            bgNbd, paretoNbd, spend, correlation,
            hasHoldout ? new HoldoutComparison(calibrationEnd.AddDays(1), holdoutTo, holdoutWeeks, predictedHoldout, actualHoldout) : null,
            ranked, warnings.ToImmutable()));
    }
}
