namespace Lodestar.Tests.Support;

/// <summary>Figures recomputed the slow, obvious way, to check the library's own computations.</summary>
internal static class Independent
{
    /// <summary>AUC by comparing every positive with every negative (ties count one half).</summary>
    public static double PairwiseAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var positives = scores.Where((_, i) => labels[i]).ToArray();
        var negatives = scores.Where((_, i) => !labels[i]).ToArray();
        double wins = 0;
        foreach (var p in positives)
        {
            foreach (var n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return wins / ((double)positives.Length * negatives.Length);
    }
}
