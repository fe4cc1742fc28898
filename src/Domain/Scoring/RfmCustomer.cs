using System.Collections.Immutable;

namespace Lodestar.Scoring;

/// <summary>
/// One customer's RFM inputs at an analysis date: whole days since the last order, the number of orders and the
/// revenue. <see cref="Key"/> is the customer's id in the source (a <c>CustomerId</c> for the store, a name in the
/// R package's data).
/// </summary>
public readonly record struct RfmCustomer(string Key, int RecencyDays, long Orders, double Monetary);

/// <summary>One order line of an RFM orders file (<c>customer_id, order_date, revenue</c>).</summary>
public readonly record struct RfmOrder(string CustomerKey, DateOnly Date, decimal Revenue);

/// <summary>Orders summed per customer: what R's <c>rfm_table_order</c> computes before it bins.</summary>
public sealed record RfmOrderTable(ImmutableArray<RfmCustomer> Customers, long Transactions);

public static class RfmOrders
{
    /// <summary>
    /// Sums orders per customer as <c>rfm_table_order</c> does: recency from the latest order date to
    /// <paramref name="analysisDate"/> in whole days, frequency = number of orders (rows), monetary = sum of revenue.
    /// Customers come out in ordinal key order, so results do not depend on the file's row order.
    /// </summary>
    public static RfmOrderTable Aggregate(IEnumerable<RfmOrder> orders, DateOnly analysisDate)
    {
        var byCustomer = new Dictionary<string, (DateOnly Last, long Orders, decimal Revenue)>(StringComparer.Ordinal);
        long transactions = 0;
        foreach (var order in orders)
        {
            transactions++;
            byCustomer[order.CustomerKey] = byCustomer.TryGetValue(order.CustomerKey, out var c)
                ? (order.Date > c.Last ? order.Date : c.Last, c.Orders + 1, c.Revenue + order.Revenue)
                : (order.Date, 1, order.Revenue);
        }
        var customers = byCustomer
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new RfmCustomer(kv.Key, analysisDate.DayNumber - kv.Value.Last.DayNumber, kv.Value.Orders, (double)kv.Value.Revenue))
            .ToImmutableArray();
        return new RfmOrderTable(customers, transactions);
    }
}
