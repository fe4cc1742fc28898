using System.Collections.Immutable;

namespace Lodestar.Learning.Modelling;

/// <summary>The learners the trainer can fit. Both the linear and the tree families are served; selection is by validation AUC.</summary>
public enum Learner
{
    LogisticRegression,
    LightGbm,
    FastTree,
}

/// <summary>How raw scores become probabilities: a sigmoid (Platt) or a monotone step function (isotonic).</summary>
public enum CalibrationMethod
{
    Platt,
    Isotonic,
}

/// <summary>Settings of the gradient-boosted trees (LightGBM and FastTree share them). Small trees: the data sets are small.</summary>
public sealed record TreeSettings
{
    public int Iterations { get; init; } = 300;
    public int Leaves { get; init; } = 8;
    public double LearningRate { get; init; } = 0.03;
    public int MinExamplesPerLeaf { get; init; } = 40;
}

/// <summary>Settings of the L-BFGS logistic regression (on standardised features).</summary>
public sealed record LogisticSettings
{
    public float L2 { get; init; } = 1f;
    public float L1 { get; init; }
}

/// <summary>
/// What <see cref="BinaryModelTrainer"/> does: a stratified hold-out of <see cref="TestShare"/>, then stratified
/// <see cref="Folds"/>-fold cross-validation on the rest to choose among <see cref="Learners"/> (mean fold AUC), to fit
/// the calibrator on out-of-fold scores and to choose the threshold; the chosen learner is then refitted on the whole
/// training part and evaluated once on the hold-out. Every random choice derives from <see cref="Seed"/>.
/// </summary>
public sealed record TrainingOptions
{
    public int Seed { get; init; } = 20_240_601;

    public double TestShare { get; init; } = 0.2;

    public int Folds { get; init; } = 5;

    public ImmutableArray<Learner> Learners { get; init; } = [Learner.LogisticRegression, Learner.LightGbm];

    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.Platt;

    /// <summary>A fixed probability threshold; null chooses the one with the best F1 on the out-of-fold predictions.</summary>
    public double? Threshold { get; init; }

    /// <summary>Rows of the calibration table: equal-count bins of predicted probability (10 = deciles).</summary>
    public int CalibrationBins { get; init; } = 10;

    public TreeSettings Trees { get; init; } = new();

    public LogisticSettings Logistic { get; init; } = new();

    public static TrainingOptions Default { get; } = new();

    public void Validate()
    {
        if (TestShare is <= 0 or >= 0.9)
        {
            throw new ArgumentOutOfRangeException(nameof(TestShare), TestShare, "must be in (0, 0.9)");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(Folds, 2, nameof(Folds));
        ArgumentOutOfRangeException.ThrowIfLessThan(CalibrationBins, 1, nameof(CalibrationBins));
        if (Learners.IsDefaultOrEmpty)
        {
            throw new ArgumentException("at least one learner is needed", nameof(Learners));
        }
        if (Threshold is { } t && t is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), t, "must be in (0, 1)");
        }
    }
}
