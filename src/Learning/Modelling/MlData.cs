using Microsoft.ML;
using Microsoft.ML.Data;

namespace Lodestar.Learning.Modelling;

/// <summary>The rows handed to ML.NET: the feature vector's length is known only at run time, so the schema says it.</summary>
internal static class MlData
{
    public const string Label = "Label";
    public const string Features = "Features";
    public const string Score = "Score";
    public const string Contributions = "FeatureContributions";

    public static IDataView Load(MLContext ml, IReadOnlyList<float[]> features, IReadOnlyList<bool> labels)
    {
        var width = features.Count == 0 ? 0 : features[0].Length;
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var rows = features.Select((f, i) => new VectorRow { Label = labels[i], Features = f }).ToList();
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static IDataView LoadScores(MLContext ml, IReadOnlyList<double> scores, IReadOnlyList<bool> labels) =>
        ml.Data.LoadFromEnumerable(scores.Select((s, i) => new ScoreRow { Label = labels[i], Score = (float)s }).ToList());

    public static double[] Scores(IDataView scored) => [.. scored.GetColumn<float>(Score).Select(s => (double)s)];

    internal sealed class VectorRow
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    internal sealed class ScoreRow
    {
        public bool Label { get; set; }

        public float Score { get; set; }
    }
}

/// <summary>Centres and scales each feature by the training rows' mean and standard deviation (a constant column is only centred).</summary>
internal sealed class Standardiser
{
    private readonly float[] _means;
    private readonly float[] _scales;

    private Standardiser(float[] means, float[] scales)
    {
        _means = means;
        _scales = scales;
    }

    public static Standardiser Fit(IReadOnlyList<Example> rows, int width)
    {
        var means = new float[width];
        var scales = new float[width];
        for (var j = 0; j < width; j++)
        {
            var mean = rows.Count == 0 ? 0 : rows.Average(r => (double)r.Features[j]);
            var variance = rows.Count == 0 ? 0 : rows.Average(r => Math.Pow(r.Features[j] - mean, 2));
            means[j] = (float)mean;
            scales[j] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new Standardiser(means, scales);
    }

    public float[] Apply(IReadOnlyList<float> x)
    {
        var z = new float[x.Count];
        for (var j = 0; j < z.Length; j++)
        {
            z[j] = (x[j] - _means[j]) / _scales[j];
        }
        return z;
    }
}

/// <summary>A fitted ML.NET calibrator (Platt or isotonic) applied to raw scores in batches.</summary>
internal sealed class Calibrator(MLContext ml, ITransformer fitted)
{
    public const string Probability = "Probability";

    public static Calibrator Fit(MLContext ml, IReadOnlyList<double> scores, IReadOnlyList<bool> labels, CalibrationMethod method)
    {
        var view = MlData.LoadScores(ml, scores, labels);
        ITransformer fitted = method switch
        {
            CalibrationMethod.Platt => ml.BinaryClassification.Calibrators.Platt(MlData.Label, MlData.Score).Fit(view),
            CalibrationMethod.Isotonic => ml.BinaryClassification.Calibrators.Isotonic(MlData.Label, MlData.Score).Fit(view),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown calibration"),
        };
        return new Calibrator(ml, fitted);
    }

    public double[] Apply(IReadOnlyList<double> scores) =>
        scores.Count == 0 ? [] : [.. fitted.Transform(MlData.LoadScores(ml, scores, [.. scores.Select(_ => false)])).GetColumn<float>(Probability).Select(p => (double)p)];
}
