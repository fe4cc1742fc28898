namespace Lodestar.Analytics.Clv;

/// <summary>
/// Customers condensed to their distinct (x, t_x, T) patterns with counts, as Fader and Hardie do: the likelihood is
/// evaluated once per pattern and weighted, and per-frequency terms (log-gammas) once per distinct x.
/// </summary>
internal sealed class HistoryPatterns
{
    private HistoryPatterns(int[] frequencyIndex, int[] frequencies, double[] recency, double[] age, double[] weight, int customers)
    {
        FrequencyIndex = frequencyIndex;
        Frequencies = frequencies;
        Recency = recency;
        Age = age;
        Weight = weight;
        Customers = customers;
    }

    /// <summary>Per pattern: index into <see cref="Frequencies"/>.</summary>
    public int[] FrequencyIndex { get; }

    /// <summary>The distinct frequencies, ascending.</summary>
    public int[] Frequencies { get; }

    public double[] Recency { get; }

    public double[] Age { get; }

    public double[] Weight { get; }

    public int Customers { get; }

    public int Count => Weight.Length;

    public double MaximumAge => Age.Length == 0 ? 0 : Age.Max();

    public static HistoryPatterns From(IEnumerable<CustomerSummary> customers)
    {
        var groups = customers.GroupBy(c => (c.Frequency, c.Recency, c.Age)).OrderBy(g => g.Key).ToList();
        if (groups.Count == 0)
        {
            throw new ArgumentException("No customers to fit.", nameof(customers));
        }
        var frequencies = groups.Select(g => g.Key.Frequency).Distinct().Order().ToArray();
        return new HistoryPatterns(
            [.. groups.Select(g => Array.BinarySearch(frequencies, g.Key.Frequency))],
            frequencies,
            [.. groups.Select(g => g.Key.Recency)],
            [.. groups.Select(g => g.Key.Age)],
            [.. groups.Select(g => (double)g.Count())],
            groups.Sum(g => g.Count()));
    }
}
