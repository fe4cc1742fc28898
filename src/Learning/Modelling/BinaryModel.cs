using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Lodestar.Learning.Modelling;

/// <summary>A row to score: the features in the <see cref="FeatureSpace"/>'s order.</summary>
public sealed record FeatureRow(string Id, ImmutableArray<float> Features);

/// <summary>
/// One feature group's push on a customer's score, in units of the learner's raw score (log-odds for logistic
/// regression). <see cref="Feature"/> names the slot that is set for this customer (the active level of a one-hot
/// group), <see cref="Group"/> the source field, <see cref="Reason"/> the reason code it stands for.
/// </summary>
public sealed record Contribution(string Feature, string Group, string Reason, double Value);

/// <summary>A scored row: the calibrated probability, whether it reaches the model's threshold, and the top reasons pushing it up.</summary>
public sealed record Prediction(string Id, double Probability, bool AboveThreshold, ImmutableArray<Contribution> Reasons);

/// <summary>
/// A trained, calibrated binary model. Reason codes: for logistic regression each feature contributes its
/// coefficient times its standardised value (its push relative to the average training row); for trees, ML.NET's
/// feature contribution calculation (the score changes along the path each row takes). Contributions of one group
/// add up; only groups with a reason code and a positive push are reasons.
/// </summary>
public sealed class BinaryModel
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly ITransformer? _contributions;
    private readonly IReadOnlyList<float>? _weights;
    private readonly Standardiser _standardiser;
    private readonly Calibrator _calibrator;

    internal BinaryModel(MLContext ml, Learner learner, FeatureSpace space, ITransformer model, ITransformer? contributions,
        IReadOnlyList<float>? weights, Standardiser standardiser, Calibrator calibrator, double threshold)
    {
        _ml = ml;
        Learner = learner;
        Space = space;
        _model = model;
        _contributions = contributions;
        _weights = weights;
        _standardiser = standardiser;
        _calibrator = calibrator;
        Threshold = threshold;
    }

    public Learner Learner { get; }

    public FeatureSpace Space { get; }

    /// <summary>Probabilities at or above it are flagged (chosen on out-of-fold predictions, never on the hold-out).</summary>
    public double Threshold { get; }

    /// <summary>Scores the rows in their order, each with up to <paramref name="reasons"/> reasons.</summary>
    public ImmutableArray<Prediction> Predict(IReadOnlyList<FeatureRow> rows, int reasons = 3)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var standardised = rows.Select(r => _standardiser.Apply(r.Features)).ToList();
        var data = MlData.Load(_ml, standardised, [.. rows.Select(_ => false)]);
        var probabilities = _calibrator.Apply(MlData.Scores(_model.Transform(data)));
        var contributions = Contributions(data, standardised);
        var predictions = ImmutableArray.CreateBuilder<Prediction>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var p = probabilities[i];
            predictions.Add(new Prediction(rows[i].Id, p, p >= Threshold, TopReasons(rows[i].Features, contributions[i], reasons)));
        }
        return predictions.MoveToImmutable();
    }

    private float[][] Contributions(IDataView data, List<float[]> standardised)
    {
        if (_weights is { } w)
        {
            return [.. standardised.Select(z => z.Select((v, j) => v * w[j]).ToArray())];
        }
        var scored = _contributions!.Transform(_model.Transform(data));
        return [.. scored.GetColumn<VBuffer<float>>(MlData.Contributions).Select(v => v.DenseValues().ToArray())];
    }

    private ImmutableArray<Contribution> TopReasons(ImmutableArray<float> raw, float[] contribution, int count)
    {
        var groups = new Dictionary<string, (double Sum, int Active, string? Reason)>(StringComparer.Ordinal);
        for (var j = 0; j < Space.Count; j++)
        {
            var f = Space.Features[j];
            var (sum, active, reason) = groups.GetValueOrDefault(f.Group, (0, j, f.Reason));
            // The slot that is set names the group (a one-hot level); a numeric group has one slot.
            var a = raw[j] > raw[active] ? j : active;
            groups[f.Group] = (sum + contribution[j], a, reason ?? f.Reason);
        }
        return [.. groups.Where(g => g.Value.Reason is not null && g.Value.Sum > 1e-9)
            .OrderByDescending(g => g.Value.Sum).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(count)
            .Select(g => new Contribution(Space.Features[g.Value.Active].Name, g.Key, g.Value.Reason!, g.Value.Sum))];
    }

    /// <summary>The logistic regression's coefficients on standardised features, for the report (null for trees).</summary>
    public ImmutableArray<(string Feature, double Weight)>? Coefficients =>
        _weights is null ? null : [.. Space.Features.Select((f, j) => (f.Name, (double)_weights[j]))];

    internal static IReadOnlyList<float>? LinearWeights(ITransformer model) =>
        model is ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> linear
            ? linear.Model.SubModel.Weights
            : null;
}
