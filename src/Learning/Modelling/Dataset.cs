using System.Collections.Immutable;

namespace Lodestar.Learning.Modelling;

/// <summary>
/// One model input column. <see cref="Group"/> joins the slots of one source field (the levels of a one-hot
/// category) so that reason codes speak of the field, not of a level; <see cref="Reason"/> is the reason code a
/// contribution of this feature stands for (see <see cref="Churn.RetentionPlaybook"/>), or null when the feature may
/// inform the model but must never be given as a reason (demographics).
/// </summary>
public sealed record Feature(string Name, string? Reason, string Group)
{
    public Feature(string name, string? reason) : this(name, reason, name)
    {
    }
}

/// <summary>The ordered columns of a feature vector. Names are unique.</summary>
public sealed record FeatureSpace
{
    public FeatureSpace(IEnumerable<Feature> features)
    {
        Features = [.. features];
        var duplicate = Features.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"feature '{duplicate.Key}' appears twice", nameof(features));
        }
    }

    public ImmutableArray<Feature> Features { get; }

    public int Count => Features.Length;

    /// <summary>The slot of the feature named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Features.Length; i++)
        {
            if (Features[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>One labelled row: <see cref="Features"/> follows the <see cref="FeatureSpace"/>'s order; every value is finite.</summary>
public sealed record Example(string Id, ImmutableArray<float> Features, bool Label);

/// <summary>
/// A labelled data set ready for <see cref="BinaryModelTrainer"/>. <see cref="Notes"/> says what the mapping did to
/// data it could not take as is (blank values filled, rows left out and why), so nothing is dropped silently.
/// </summary>
public sealed record Dataset(string Name, FeatureSpace Space, ImmutableArray<Example> Examples, ImmutableArray<string> Notes)
{
    public int Positives => Examples.Count(e => e.Label);

    /// <summary>Checks the shape the trainer relies on; returns the problems found (empty when fine).</summary>
    public ImmutableArray<string> Problems()
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        foreach (var e in Examples)
        {
            if (e.Features.Length != Space.Count)
            {
                problems.Add($"{e.Id}: {e.Features.Length} values for {Space.Count} features");
            }
            else if (e.Features.Any(v => !float.IsFinite(v)))
            {
                problems.Add($"{e.Id}: a value is not finite");
            }
        }
        if (Positives == 0 || Positives == Examples.Length)
        {
            problems.Add("both classes must be present");
        }
        return problems.ToImmutable();
    }
}
