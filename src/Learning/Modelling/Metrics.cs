using System.Collections.Immutable;

namespace Lodestar.Learning.Modelling;

/// <summary>Counts at a threshold: predicted positive when the probability is at least the threshold.</summary>
public sealed record ConfusionCounts(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public int Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public double Accuracy => Total == 0 ? 0 : (double)(TruePositives + TrueNegatives) / Total;

    /// <summary>Precision; 0 when nothing was predicted positive.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public static ConfusionCounts At(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels, double threshold)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var predicted = probabilities[i] >= threshold;
            _ = (predicted, labels[i]) switch
            {
                (true, true) => tp++,
                (true, false) => fp++,
                (false, false) => tn++,
                _ => fn++,
            };
        }
        return new ConfusionCounts(tp, fp, tn, fn);
    }
}

/// <summary>
/// One row of the calibration table: an equal-count bin of rows sorted by predicted probability, its mean prediction
/// and the share of positives actually observed in it. A calibrated model has the two close in every bin.
/// </summary>
public sealed record CalibrationBin(int Bin, int Rows, double MinPredicted, double MaxPredicted, double MeanPredicted, int Positives, double ObservedRate);

/// <summary>The ranking and probability metrics, computed here so that every report uses one definition.</summary>
public static class Metrics
{
    /// <summary>
    /// ROC AUC as the Mann-Whitney statistic: the probability that a random positive scores above a random negative,
    /// ties counting one half. NaN when a class is absent.
    /// </summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        long positives = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }
            var averageRank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]])
                {
                    rankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = order.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Mean squared error of the probabilities.</summary>
    public static double Brier(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels) =>
        probabilities.Select((p, i) => Math.Pow(p - (labels[i] ? 1 : 0), 2)).DefaultIfEmpty(0).Average();

    /// <summary>Mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15].</summary>
    public static double LogLoss(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels) =>
        probabilities.Select((p, i) =>
        {
            var q = Math.Clamp(p, 1e-15, 1 - 1e-15);
            return labels[i] ? -Math.Log(q) : -Math.Log(1 - q);
        }).DefaultIfEmpty(0).Average();

    /// <summary>The share of the larger class: the accuracy of always predicting it.</summary>
    public static double MajorityShare(IReadOnlyList<bool> labels)
    {
        if (labels.Count == 0)
        {
            return 0;
        }
        var positives = labels.Count(l => l);
        return (double)Math.Max(positives, labels.Count - positives) / labels.Count;
    }

    /// <summary>
    /// Rows sorted by probability (then by their index, for a stable order) and cut into <paramref name="bins"/>
    /// bins of equal count (the first bins one row shorter when it does not divide); empty bins are left out.
    /// </summary>
    public static ImmutableArray<CalibrationBin> CalibrationTable(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels, int bins)
    {
        var order = Enumerable.Range(0, probabilities.Count).OrderBy(i => probabilities[i]).ThenBy(i => i).ToArray();
        var table = ImmutableArray.CreateBuilder<CalibrationBin>(bins);
        for (var b = 0; b < bins; b++)
        {
            var from = (int)((long)b * order.Length / bins);
            var to = (int)((long)(b + 1) * order.Length / bins);
            if (to <= from)
            {
                continue;
            }
            var rows = order[from..to];
            var positives = rows.Count(i => labels[i]);
            table.Add(new CalibrationBin(b + 1, rows.Length, probabilities[rows[0]], probabilities[rows[^1]],
                rows.Average(i => probabilities[i]), positives, (double)positives / rows.Length));
        }
        return table.ToImmutable();
    }

    /// <summary>The threshold among the observed probabilities with the best F1 (ties: the higher threshold).</summary>
    public static double BestF1Threshold(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, probabilities.Count).OrderByDescending(i => probabilities[i]).ToArray();
        var totalPositives = labels.Count(l => l);
        double best = -1, bestThreshold = 0.5;
        int tp = 0, predicted = 0;
        var k = 0;
        while (k < order.Length)
        {
            var p = probabilities[order[k]];
            while (k < order.Length && probabilities[order[k]] == p)
            {
                tp += labels[order[k]] ? 1 : 0;
                predicted++;
                k++;
            }
            var f1 = 2.0 * tp / (predicted + totalPositives);
            if (f1 > best)
            {
                (best, bestThreshold) = (f1, p);
            }
        }
        return bestThreshold;
    }
}
