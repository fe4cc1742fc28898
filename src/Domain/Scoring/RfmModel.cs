using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Lodestar.Scoring;

/// <summary>
/// An <see cref="RfmScheme"/> fitted to a population: the cut points of each dimension. A value's score is one more
/// than the number of cut points at or below it, which is R's <c>rfm_table_order</c> exactly: it assigns score i to
/// values in the half-open interval <c>[lower[i], upper[i])</c> with <c>lower = c(min, cuts)</c> and
/// <c>upper = c(cuts, max + 1)</c>, and its quantile cuts are the type-7 quantiles at 1/n .. (n-1)/n <em>plus one</em>
/// (its <c>bins()</c> helper adds 1). Recency is scored the other way round: fewest days, highest score.
/// </summary>
public sealed record RfmModel
{
    private RfmModel(RfmScheme scheme, ImmutableArray<double> recency, ImmutableArray<double> frequency, ImmutableArray<double> monetary) =>
        (Scheme, RecencyCuts, FrequencyCuts, MonetaryCuts) = (scheme, recency, frequency, monetary);

    public RfmScheme Scheme { get; }

    /// <summary>Ascending cut points in days (R's <c>threshold$recency_upper</c> without its last element).</summary>
    public ImmutableArray<double> RecencyCuts { get; }

    public ImmutableArray<double> FrequencyCuts { get; }

    public ImmutableArray<double> MonetaryCuts { get; }

    /// <summary>Fits the scheme's quantile bins to <paramref name="customers"/> (sorting each dimension once).</summary>
    /// <exception cref="ArgumentException">quantile bins and no customers.</exception>
    public static RfmModel Fit(RfmScheme scheme, ReadOnlySpan<RfmCustomer> customers)
    {
        var needsData = scheme.Recency.IsQuantile || scheme.Frequency.IsQuantile || scheme.Monetary.IsQuantile;
        if (needsData && customers.IsEmpty)
        {
            throw new ArgumentException("quantile bins need at least one customer", nameof(customers));
        }
        var recency = Values(scheme.Recency, customers, static c => c.RecencyDays);
        var frequency = Values(scheme.Frequency, customers, static c => c.Orders);
        var monetary = Values(scheme.Monetary, customers, static c => c.Monetary);
        // The three sorts are independent and dominate the fit: run them side by side.
        Parallel.Invoke(() => Array.Sort(recency), () => Array.Sort(frequency), () => Array.Sort(monetary));
        return new RfmModel(scheme, Cuts(scheme.Recency, recency), Cuts(scheme.Frequency, frequency), Cuts(scheme.Monetary, monetary));
    }

    /// <summary>A model with cut points given outright (a stored fit, or R's published thresholds).</summary>
    public static RfmModel WithCuts(RfmScheme scheme, IEnumerable<double> recency, IEnumerable<double> frequency, IEnumerable<double> monetary)
    {
        var model = new RfmModel(scheme, [.. recency], [.. frequency], [.. monetary]);
        foreach (var (cuts, binning) in new[] { (model.RecencyCuts, scheme.Recency), (model.FrequencyCuts, scheme.Frequency), (model.MonetaryCuts, scheme.Monetary) })
        {
            if (cuts.Length != binning.Scores - 1 || cuts.Zip(cuts.Skip(1)).Any(p => p.Second < p.First))
            {
                throw new ArgumentException($"expected {binning.Scores - 1} non-decreasing cut points per dimension");
            }
        }
        return model;
    }

    public RfmScore Score(in RfmCustomer customer) => RfmScore.Create(
        Scheme.Recency.Scores + 1 - Index(RecencyCuts.AsSpan(), customer.RecencyDays),
        Index(FrequencyCuts.AsSpan(), customer.Orders),
        Index(MonetaryCuts.AsSpan(), customer.Monetary));

    public string SegmentOf(RfmScore score) => Scheme.SegmentOf(score);

    /// <summary>1 + the number of cut points at or below <paramref name="value"/>; the cuts are few, a scan beats a search.</summary>
    private static int Index(ReadOnlySpan<double> cuts, double value)
    {
        var index = 1;
        foreach (var cut in cuts)
        {
            if (cut <= value)
            {
                index++;
            }
        }
        return index;
    }

    /// <summary>The dimension's values, to be sorted; none when the binning is fixed.</summary>
    private static double[] Values(RfmBinning binning, ReadOnlySpan<RfmCustomer> customers, Func<RfmCustomer, double> value)
    {
        if (!binning.IsQuantile)
        {
            return [];
        }
        var values = new double[customers.Length];
        for (var i = 0; i < customers.Length; i++)
        {
            values[i] = value(customers[i]);
        }
        return values;
    }

    private static ImmutableArray<double> Cuts(RfmBinning binning, double[] sorted)
    {
        if (!binning.IsQuantile)
        {
            return binning.Thresholds;
        }
        var cuts = ImmutableArray.CreateBuilder<double>(binning.Bins - 1);
        foreach (var p in Quantiles.InnerProbabilities(binning.Bins))
        {
            cuts.Add(Quantiles.Type7(sorted, p) + 1);
        }
        return cuts.MoveToImmutable();
    }

    public bool Equals(RfmModel? other) => other is not null && ReferenceEquals(Scheme, other.Scheme)
        && RecencyCuts.SequenceEqual(other.RecencyCuts) && FrequencyCuts.SequenceEqual(other.FrequencyCuts) && MonetaryCuts.SequenceEqual(other.MonetaryCuts);

    public override int GetHashCode() => HashCode.Combine(Scheme, RecencyCuts.Length);
}

/// <summary>One customer's RFM result.</summary>
public readonly record struct RfmResult(RfmCustomer Customer, RfmScore Score, string Segment);

/// <summary>R's <c>rfm_segment_summary</c> row: customers, orders and revenue of one segment.</summary>
public sealed record RfmSegmentSummary(string Name, int Customers, long Orders, double Revenue)
{
    /// <summary>Average order value; 0 for an empty segment.</summary>
    public double Aov => Orders == 0 ? 0 : Revenue / Orders;
}

/// <summary>RFM over a population: the fitted model, each customer's result and the segment summary.</summary>
public sealed record RfmAnalysis(RfmModel Model, ImmutableArray<RfmResult> Customers, ImmutableArray<RfmSegmentSummary> Segments)
{
    /// <summary>Orders over all customers (R's test: 4,906 on <c>rfm_data_orders</c>).</summary>
    public long Transactions => Segments.Sum(s => s.Orders);
}

public static class Rfm
{
    /// <summary>
    /// Scores <paramref name="customers"/> with <paramref name="scheme"/> fitted to them and summarises the segments,
    /// every segment of the scheme listed in its order (empty ones too), then the catch-all.
    /// </summary>
    public static RfmAnalysis Analyse(IReadOnlyList<RfmCustomer> customers, RfmScheme scheme)
    {
        var span = customers is RfmCustomer[] array ? array : customers.ToArray();
        var model = RfmModel.Fit(scheme, span);
        var results = new RfmResult[span.Length];
        for (var i = 0; i < span.Length; i++)
        {
            var score = model.Score(span[i]);
            results[i] = new RfmResult(span[i], score, scheme.SegmentOf(score));
        }
        return new RfmAnalysis(model, ImmutableCollectionsMarshal.AsImmutableArray(results), Summarise(scheme, results));
    }

    public static ImmutableArray<RfmSegmentSummary> Summarise(RfmScheme scheme, IEnumerable<RfmResult> results)
    {
        var names = scheme.SegmentNames.ToArray();
        var customers = new int[names.Length];
        var orders = new long[names.Length];
        var revenue = new double[names.Length];
        foreach (var r in results)
        {
            var i = IndexOf(names, r.Segment);
            customers[i]++;
            orders[i] += r.Customer.Orders;
            revenue[i] += r.Customer.Monetary;
        }
        return [.. names.Select((n, i) => new RfmSegmentSummary(n, customers[i], orders[i], revenue[i]))];
    }

    /// <summary>Segment names are the scheme's own string instances, so a reference scan finds them without hashing.</summary>
    private static int IndexOf(string[] names, string segment)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (ReferenceEquals(names[i], segment))
            {
                return i;
            }
        }
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], segment, StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new ArgumentException($"segment '{segment}' is not one of the scheme's", nameof(segment));
    }
}
