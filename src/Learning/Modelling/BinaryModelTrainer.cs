using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Lodestar.Learning.Modelling;

/// <summary>One learner tried: its mean AUC over the validation folds (what selection uses) and, for the record, its hold-out AUC.</summary>
public sealed record CandidateResult(Learner Learner, double ValidationAuc, ImmutableArray<double> FoldAucs, double TestAuc, bool Chosen);

/// <summary>A hold-out row's outcome: its label and calibrated probability (enough to recompute every figure of the report).</summary>
public sealed record ScoredExample(string Id, bool Label, double Probability);

/// <summary>
/// The evaluation on the hold-out split. <see cref="Auc"/> is of the calibrated probabilities; <see cref="Accuracy"/>,
/// <see cref="Precision"/> and <see cref="Recall"/> are at <see cref="Threshold"/>; <see cref="BaselineAccuracy"/> is
/// the accuracy of always predicting the hold-out's majority class.
/// </summary>
public sealed record EvaluationReport(
    string Dataset,
    Learner Learner,
    CalibrationMethod CalibrationMethod,
    int Seed,
    int Rows,
    int TrainRows,
    int TestRows,
    int TestPositives,
    double Auc,
    double Accuracy,
    double BaselineAccuracy,
    double Threshold,
    double Precision,
    double Recall,
    double F1,
    double Brier,
    double LogLoss,
    ConfusionCounts Confusion,
    ImmutableArray<CandidateResult> Candidates,
    ImmutableArray<CalibrationBin> Calibration,
    ImmutableArray<string> Notes);

/// <summary>What training returns: the report, the model, and the hold-out rows as scored.</summary>
public sealed record TrainingResult(EvaluationReport Report, BinaryModel Model, ImmutableArray<ScoredExample> Test);

/// <summary>
/// Trains, selects, calibrates and evaluates a binary classifier on a <see cref="Dataset"/> with Microsoft.ML, as
/// <see cref="TrainingOptions"/> describes. The same code serves churn (Telco columns or profile features) and conversion.
/// Deterministic: one seeded <see cref="MLContext"/>, seeded splits, single-threaded learners.
/// </summary>
public sealed class BinaryModelTrainer
{
    public TrainingResult Train(Dataset data, TrainingOptions? options = null)
    {
        var o = options ?? TrainingOptions.Default;
        o.Validate();
        var problems = data.Problems();
        if (problems.Length > 0)
        {
            throw new ArgumentException($"data set '{data.Name}' cannot be trained on: {string.Join("; ", problems.Take(5))}", nameof(data));
        }
        var ml = new MLContext(o.Seed);
        var labels = data.Examples.Select(e => e.Label).ToArray();
        var (trainIndex, testIndex) = Split.HoldOut(labels, o.TestShare, o.Seed);
        var train = trainIndex.Select(i => data.Examples[i]).ToList();
        var test = testIndex.Select(i => data.Examples[i]).ToList();
        var trainLabels = train.Select(e => e.Label).ToArray();
        var testLabels = test.Select(e => e.Label).ToArray();
        var standardiser = Standardiser.Fit(train, data.Space.Count);
        var trainZ = train.Select(e => standardiser.Apply(e.Features)).ToArray();
        var testZ = test.Select(e => standardiser.Apply(e.Features)).ToArray();

        // Cross-validation on the training part: learner selection, calibrator and threshold never see the hold-out.
        var folds = Split.Folds(trainLabels, o.Folds, o.Seed + 1);
        var validations = o.Learners.Distinct().Select(learner => CrossValidate(ml, learner, trainZ, trainLabels, folds, o)).ToList();
        var chosen = validations.OrderByDescending(v => v.MeanAuc).ThenBy(v => o.Learners.IndexOf(v.Learner)).First();

        var calibrator = Calibrator.Fit(ml, chosen.OutOfFold, trainLabels, o.Calibration);
        var outOfFold = calibrator.Apply(chosen.OutOfFold);
        var threshold = o.Threshold ?? Metrics.BestF1Threshold(outOfFold, trainLabels);

        var trainView = MlData.Load(ml, trainZ, trainLabels);
        var testView = MlData.Load(ml, testZ, testLabels);
        var candidates = ImmutableArray.CreateBuilder<CandidateResult>();
        BinaryModel? model = null;
        double[] probabilities = [];
        foreach (var v in validations)
        {
            var fitted = Fit(ml, v.Learner, trainView, o);
            var scores = MlData.Scores(fitted.Transform(testView));
            if (v.Learner == chosen.Learner)
            {
                var weights = BinaryModel.LinearWeights(fitted);
                var contributions = weights is null ? ContributionTransformer(ml, fitted, data.Space.Count, trainView) : null;
                model = new BinaryModel(ml, v.Learner, data.Space, fitted, contributions, weights, standardiser, calibrator, threshold);
                probabilities = calibrator.Apply(scores);
                candidates.Add(new CandidateResult(v.Learner, v.MeanAuc, v.FoldAucs, Metrics.Auc(probabilities, testLabels), true));
            }
            else
            {
                candidates.Add(new CandidateResult(v.Learner, v.MeanAuc, v.FoldAucs, Metrics.Auc(scores, testLabels), false));
            }
        }

        var confusion = ConfusionCounts.At(probabilities, testLabels, threshold);
        var report = new EvaluationReport(
            data.Name, chosen.Learner, o.Calibration, o.Seed, data.Examples.Length, train.Count, test.Count, testLabels.Count(l => l),
            Metrics.Auc(probabilities, testLabels), confusion.Accuracy, Metrics.MajorityShare(testLabels), threshold,
            confusion.Precision, confusion.Recall, confusion.F1, Metrics.Brier(probabilities, testLabels), Metrics.LogLoss(probabilities, testLabels),
            confusion, candidates.ToImmutable(), Metrics.CalibrationTable(probabilities, testLabels, o.CalibrationBins), data.Notes);
        var scored = test.Select((e, i) => new ScoredExample(e.Id, e.Label, probabilities[i])).ToImmutableArray();
        return new TrainingResult(report, model!, scored);
    }

    private sealed record Validation(Learner Learner, double MeanAuc, ImmutableArray<double> FoldAucs, double[] OutOfFold);

    private static Validation CrossValidate(MLContext ml, Learner learner, float[][] z, bool[] labels, int[] folds, TrainingOptions o)
    {
        var outOfFold = new double[z.Length];
        var aucs = ImmutableArray.CreateBuilder<double>(o.Folds);
        for (var k = 0; k < o.Folds; k++)
        {
            var fit = Enumerable.Range(0, z.Length).Where(i => folds[i] != k).ToArray();
            var held = Enumerable.Range(0, z.Length).Where(i => folds[i] == k).ToArray();
            var model = Fit(ml, learner, MlData.Load(ml, [.. fit.Select(i => z[i])], [.. fit.Select(i => labels[i])]), o);
            var heldLabels = held.Select(i => labels[i]).ToArray();
            var scores = MlData.Scores(model.Transform(MlData.Load(ml, [.. held.Select(i => z[i])], heldLabels)));
            for (var i = 0; i < held.Length; i++)
            {
                outOfFold[held[i]] = scores[i];
            }
            aucs.Add(Metrics.Auc(scores, heldLabels));
        }
        return new Validation(learner, aucs.Average(), aucs.MoveToImmutable(), outOfFold);
    }

    private static ITransformer Fit(MLContext ml, Learner learner, IDataView data, TrainingOptions o) => learner switch
    {
        Learner.LogisticRegression => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = MlData.Label,
            FeatureColumnName = MlData.Features,
            L2Regularization = o.Logistic.L2,
            L1Regularization = o.Logistic.L1,
            OptimizationTolerance = 1e-7f,
            NumberOfThreads = 1,
        }).Fit(data),
        Learner.LightGbm => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = MlData.Label,
            FeatureColumnName = MlData.Features,
            NumberOfIterations = o.Trees.Iterations,
            NumberOfLeaves = o.Trees.Leaves,
            LearningRate = o.Trees.LearningRate,
            MinimumExampleCountPerLeaf = o.Trees.MinExamplesPerLeaf,
            Seed = o.Seed,
            NumberOfThreads = 1,
            Verbose = false,
            Silent = true,
        }).Fit(data),
        Learner.FastTree => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            LabelColumnName = MlData.Label,
            FeatureColumnName = MlData.Features,
            NumberOfTrees = o.Trees.Iterations,
            NumberOfLeaves = o.Trees.Leaves,
            LearningRate = o.Trees.LearningRate,
            MinimumExampleCountPerLeaf = o.Trees.MinExamplesPerLeaf,
            Seed = o.Seed,
            NumberOfThreads = 1,
        }).Fit(data),
        _ => throw new ArgumentOutOfRangeException(nameof(learner), learner, "unknown learner"),
    };

    /// <summary>ML.NET's feature contribution calculation for a tree model: every contribution kept, none normalised.</summary>
    private static ITransformer ContributionTransformer(MLContext ml, ITransformer model, int features, IDataView data) => model switch
    {
        ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> lightGbm =>
            ml.Transforms.CalculateFeatureContribution(lightGbm, features, features, normalize: false).Fit(model.Transform(data)),
        ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> fastTree =>
            ml.Transforms.CalculateFeatureContribution(fastTree, features, features, normalize: false).Fit(model.Transform(data)),
        _ => throw new NotSupportedException($"no feature contributions for {model.GetType().Name}"),
    };
}
