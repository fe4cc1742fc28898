using System.Diagnostics;
using Lodestar.Scoring;

namespace Lodestar.Tests.Scoring;

public sealed class RfmPerformanceTests
{
    /// <summary>A seeded million customers: recency 0..1094 days, 1..30 orders, revenue in cents.</summary>
    internal static RfmCustomer[] Million(int count = 1_000_000)
    {
        var random = new Random(20061231);
        var customers = new RfmCustomer[count];
        for (var i = 0; i < count; i++)
        {
            var orders = 1 + (int)(30 * Math.Pow(random.NextDouble(), 2));
            customers[i] = new RfmCustomer($"c{i}", random.Next(0, 1_095), orders, orders * random.Next(500, 20_000) / 100.0);
        }
        return customers;
    }

    [Fact]
    public void Analyse_MillionCustomers_TakesWellUnderASecond()
    {
        var customers = Million();
        Rfm.Analyse(customers[..10_000], RfmScheme.Default); // JIT and tiering out of the measurement

        var clock = Stopwatch.StartNew();
        var analysis = Rfm.Analyse(customers, RfmScheme.Default);
        var elapsed = clock.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine($"RFM over {customers.Length:N0} customers: {elapsed.TotalMilliseconds:N0} ms");
        Assert.Equal(customers.Length, analysis.Segments.Sum(s => s.Customers));
        // The goal is well under a second; the bound leaves room for a busy two-core build machine.
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"RFM over a million customers took {elapsed.TotalMilliseconds:N0} ms");
    }
}
