using Lodestar.Profiles;

namespace Lodestar.Tags;

/// <summary>Applies tag rules of one cadence to a profile: sets tags whose rule holds, removes those that no longer do.</summary>
public static class TagEngine
{
    public static Profile Apply(Profile profile, IEnumerable<TagRule> rules, DateTimeOffset now)
    {
        var tags = profile.Tags;
        foreach (var rule in rules)
        {
            var value = Evaluate(rule, profile, now);
            if (value is null)
            {
                tags = tags.Remove(rule.Id);
            }
            else if (!tags.TryGetValue(rule.Id, out var current) || current.Value != value)
            {
                tags = tags.SetItem(rule.Id, new TagValue(value, rule.Family.ToString().ToLowerInvariant(), now));
            }
        }
        return tags == profile.Tags ? profile : profile with { Tags = tags };
    }

    public static string? Evaluate(TagRule rule, Profile profile, DateTimeOffset now)
    {
        if (rule.When is not null)
        {
            return Holds(rule.When, profile, now) ? rule.Value : null;
        }
        var metric = ProfileMetrics.Evaluate(rule.Metric!, profile, now);
        if (rule.Bands.IsDefaultOrEmpty)
        {
            return metric.Text ?? (metric.Number is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        }
        return metric.Number is { } x ? rule.Bands.FirstOrDefault(b => b.Below is null || x < b.Below)?.Value : null;
    }

    public static bool Holds(Condition condition, Profile profile, DateTimeOffset now) => condition switch
    {
        AllOf all => all.Conditions.All(c => Holds(c, profile, now)),
        AnyOf any => any.Conditions.Any(c => Holds(c, profile, now)),
        Comparison cmp => Compare(ProfileMetrics.Evaluate(cmp.Metric, profile, now), cmp),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "unknown condition type"),
    };

    private static bool Compare(MetricValue value, Comparison cmp)
    {
        if (cmp.Number is { } target && value.Number is { } x)
        {
            return cmp.Op switch
            {
                "<" => x < target,
                "<=" => x <= target,
                ">" => x > target,
                ">=" => x >= target,
                "==" => x == target,
                "!=" => x != target,
                _ => false,
            };
        }
        if (cmp.Text is { } text && value.Text is { } s)
        {
            return cmp.Op switch
            {
                "==" => string.Equals(s, text, StringComparison.OrdinalIgnoreCase),
                "!=" => !string.Equals(s, text, StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
        }
        return false;
    }
}
