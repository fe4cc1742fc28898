namespace Lodestar.Scoring;

/// <summary>Sample quantiles as R computes them by default (<c>quantile(x, probs, type = 7)</c>).</summary>
public static class Quantiles
{
    /// <summary>
    /// R's type-7 quantile of an ascending sample: with <c>h = 1 + (n - 1)p</c>, the value at <c>floor(h)</c>
    /// interpolated towards the one at <c>ceiling(h)</c>. The arithmetic follows R's own, <c>(1 - f)·lo + f·hi</c>
    /// and no interpolation when the two neighbours are equal, so that bin edges agree with R to the last bit (scores
    /// compare values against these edges, and a last-bit difference moves customers between bins).
    /// </summary>
    /// <exception cref="ArgumentException">the sample is empty or <paramref name="p"/> is outside [0, 1].</exception>
    public static double Type7(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("a quantile needs at least one value", nameof(sorted));
        }
        if (!(p is >= 0 and <= 1))
        {
            throw new ArgumentException($"probability {p} is outside [0, 1]", nameof(p));
        }
        var index = 1 + (sorted.Length - 1) * p;
        var lo = Math.Floor(index);
        var hi = Math.Ceiling(index);
        var q = sorted[(int)lo - 1];
        var upper = sorted[(int)hi - 1];
        if (index > lo && upper != q)
        {
            var f = index - lo;
            q = (1 - f) * q + f * upper;
        }
        return q;
    }

    /// <summary>
    /// The probabilities R's <c>seq(0, 1, length.out = bins + 1)</c> yields between 0 and 1, computed as R does
    /// (<c>k · (1 / bins)</c>, so the third of five is 0.6000000000000001, not 0.6).
    /// </summary>
    public static double[] InnerProbabilities(int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        var by = 1.0 / bins;
        var probs = new double[bins - 1];
        for (var k = 1; k < bins; k++)
        {
            probs[k - 1] = k * by;
        }
        return probs;
    }
}
