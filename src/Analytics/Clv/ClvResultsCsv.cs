using System.Globalization;

namespace Lodestar.Analytics.Clv;

/// <summary>Per-customer CLV results as CSV (invariant culture; times in weeks), in the report's order (highest CLV first).</summary>
public static class ClvResultsCsv
{
    public const string Header = "customer_id,frequency,recency_weeks,age_weeks,monetary_value,p_alive,expected_purchases,expected_average_value,clv,holdout_purchases";

    public static void Write(TextWriter writer, IEnumerable<CustomerValue> customers)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(customers);
        writer.Write(Header);
        writer.Write('\n');
        foreach (var c in customers)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{Quote(c.CustomerId)},{c.Frequency},{c.Recency:0.####},{c.Age:0.####},{c.MonetaryValue:0.####},{c.ProbabilityAlive:0.######},{c.ExpectedPurchases:0.######},{c.ExpectedAverageValue:0.####},{c.Clv:0.####},{c.HoldoutPurchases}"));
            writer.Write('\n');
        }
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
