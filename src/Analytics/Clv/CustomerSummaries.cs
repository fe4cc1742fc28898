using System.Collections.Immutable;

namespace Lodestar.Analytics.Clv;

/// <summary>Builds per-customer calibration summaries from raw purchases.</summary>
public static class CustomerSummaries
{
    /// <summary>Days in the time unit of the summaries: weeks, as in Fader, Hardie and Lee (2005).</summary>
    public const double DaysPerWeek = 7;

    /// <summary>
    /// Summaries of every customer whose first purchase falls on or before <paramref name="calibrationEnd"/>
    /// (inclusive), in weeks. Purchases on one day are one occasion whose value is the day's total; the first occasion
    /// counts neither as a repeat purchase nor in the monetary mean (it is where the customer is "born").
    /// Purchases after the calibration end are ignored. Ordered by customer id (ordinal).
    /// </summary>
    public static ImmutableArray<CustomerSummary> FromTransactions(IEnumerable<Transaction> transactions, DateOnly calibrationEnd)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var days = new Dictionary<string, SortedDictionary<DateOnly, decimal>>(StringComparer.Ordinal);
        foreach (var t in transactions)
        {
            if (t.Date > calibrationEnd)
            {
                continue;
            }
            if (!days.TryGetValue(t.CustomerId, out var byDay))
            {
                byDay = [];
                days.Add(t.CustomerId, byDay);
            }
            byDay[t.Date] = byDay.GetValueOrDefault(t.Date) + t.Amount;
        }

        var summaries = ImmutableArray.CreateBuilder<CustomerSummary>(days.Count);
        foreach (var (customer, byDay) in days.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var first = byDay.Keys.First();
            var last = byDay.Keys.Last();
            var repeats = byDay.Count - 1;
            var repeatSpend = byDay.Skip(1).Sum(kv => kv.Value);
            summaries.Add(CustomerSummary.Create(
                customer,
                repeats,
                Weeks(first, last),
                Weeks(first, calibrationEnd),
                repeats == 0 ? 0 : Math.Max(0, (double)(repeatSpend / repeats))));
        }
        return summaries.MoveToImmutable();
    }

    /// <summary>Repeat purchase occasions (distinct days) per customer in (from, to], for comparing forecasts with a holdout.</summary>
    public static ImmutableDictionary<string, int> OccasionsBetween(IEnumerable<Transaction> transactions, DateOnly from, DateOnly to) =>
        transactions.Where(t => t.Date > from && t.Date <= to)
            .GroupBy(t => t.CustomerId, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.Select(t => t.Date).Distinct().Count(), StringComparer.Ordinal);

    internal static double Weeks(DateOnly from, DateOnly to) => (to.DayNumber - from.DayNumber) / DaysPerWeek;
}
