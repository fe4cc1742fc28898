using System.Collections.Immutable;
using Lodestar.Learning.Modelling;

namespace Lodestar.Learning.Churn;

/// <summary>A customer's churn early warning: calibrated probability, whether it reaches the threshold, why, and what to do.</summary>
public sealed record ChurnRisk(string CustomerId, double Probability, bool AtRisk, ImmutableArray<Contribution> Reasons, string Strategy);

/// <summary>What a churn training run returns: the evaluation report, and the hold-out customers as warned (highest risk first).</summary>
public sealed record ChurnRun(EvaluationReport Report, BinaryModel Model, ImmutableArray<ScoredExample> Test, ImmutableArray<ChurnRisk> TestRisks);

/// <summary>Churn early warning: the shared trainer plus reason codes mapped to retention strategies.</summary>
public sealed class ChurnModel(RetentionPlaybook playbook)
{
    public ChurnModel()
        : this(RetentionPlaybook.Default)
    {
    }

    public RetentionPlaybook Playbook => playbook;

    /// <summary>Trains on <paramref name="data"/> (Telco columns or profile features) and warns the hold-out customers.</summary>
    public ChurnRun Train(Dataset data, TrainingOptions? options = null, int reasons = 3)
    {
        var result = new BinaryModelTrainer().Train(data, options);
        var held = result.Test.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var rows = data.Examples.Where(e => held.Contains(e.Id)).Select(e => new FeatureRow(e.Id, e.Features)).ToList();
        var risks = Warn(result.Model, rows, reasons);
        return new ChurnRun(result.Report, result.Model, result.Test, risks);
    }

    /// <summary>Scores customers, highest probability first (then by id).</summary>
    public ImmutableArray<ChurnRisk> Warn(BinaryModel model, IReadOnlyList<FeatureRow> rows, int reasons = 3) =>
        [.. model.Predict(rows, reasons)
            .Select(p => new ChurnRisk(p.Id, p.Probability, p.AboveThreshold, p.Reasons, playbook.StrategyFor(p.Reasons.Select(r => r.Reason))))
            .OrderByDescending(r => r.Probability).ThenBy(r => r.CustomerId, StringComparer.Ordinal)];
}
