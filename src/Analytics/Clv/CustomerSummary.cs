namespace Lodestar.Analytics.Clv;

/// <summary>
/// One customer's calibration-period history in the form the buy-till-you-die models read: repeat purchases
/// <see cref="Frequency"/> (x), time of the last purchase after the first <see cref="Recency"/> (t_x), time from the
/// first purchase to the end of calibration <see cref="Age"/> (T), and the mean value of the repeat purchases
/// <see cref="MonetaryValue"/> (m̄, 0 when there are none). Times are in one unit of the caller's choosing (weeks
/// in <see cref="CustomerSummaries.FromTransactions"/>); the fitted scale parameters are then in that unit too.
/// </summary>
/// <remarks>Invariants, enforced by <see cref="Create"/>: x ≥ 0; 0 ≤ t_x ≤ T; t_x = 0 when x = 0; m̄ ≥ 0.</remarks>
public readonly record struct CustomerSummary
{
    private CustomerSummary(string customerId, int frequency, double recency, double age, double monetaryValue)
    {
        CustomerId = customerId;
        Frequency = frequency;
        Recency = recency;
        Age = age;
        MonetaryValue = monetaryValue;
    }

    public string CustomerId { get; }

    /// <summary>x: purchase occasions after the first one (same-day purchases count once).</summary>
    public int Frequency { get; }

    /// <summary>t_x: time from the first to the last purchase.</summary>
    public double Recency { get; }

    /// <summary>T: time from the first purchase to the end of calibration.</summary>
    public double Age { get; }

    /// <summary>m̄: mean value of the repeat purchase occasions; 0 when x = 0.</summary>
    public double MonetaryValue { get; }

    public static CustomerSummary Create(string customerId, int frequency, double recency, double age, double monetaryValue = 0)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        if (frequency < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "Repeat purchases cannot be negative.");
        }
        if (!double.IsFinite(age) || age < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(age), age, "Age must be finite and not negative.");
        }
        if (!double.IsFinite(recency) || recency < 0 || recency > age)
        {
            throw new ArgumentOutOfRangeException(nameof(recency), recency, $"Recency must lie in [0, age = {age}].");
        }
        if (frequency == 0 && recency != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(recency), recency, "A customer without repeat purchases has recency 0.");
        }
        if (!double.IsFinite(monetaryValue) || monetaryValue < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(monetaryValue), monetaryValue, "Monetary value must be finite and not negative.");
        }
        return new CustomerSummary(customerId, frequency, recency, age, monetaryValue);
    }
}
