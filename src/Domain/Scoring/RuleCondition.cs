using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Tags;

namespace Lodestar.Scoring;

/// <summary>The comparison of a condition. Text compares ignoring case; a missing value never matches (not even <c>!=</c>).</summary>
public enum CompareOp { Less, LessOrEqual, Greater, GreaterOrEqual, Equal, NotEqual, Between, In }

/// <summary>
/// The right-hand side of a comparison: a number, a text, a list (for <see cref="CompareOp.In"/>) or an inclusive
/// [low, high] pair (for <see cref="CompareOp.Between"/>).
/// </summary>
public sealed record Operand
{
    private Operand(double? number, string? text, ImmutableArray<double> numbers, ImmutableArray<string> texts) =>
        (Number, Text, Numbers, Texts) = (number, text, numbers, texts);

    public double? Number { get; }

    public string? Text { get; }

    public ImmutableArray<double> Numbers { get; }

    public ImmutableArray<string> Texts { get; }

    public static Operand Of(double number) => new(number, null, [], []);

    public static Operand Of(string text) => new(null, text, [], []);

    public static Operand OfNumbers(params double[] numbers) => new(null, null, [.. numbers], []);

    public static Operand OfTexts(params string[] texts) => new(null, null, [], [.. texts]);

    public bool Equals(Operand? other) => other is not null && Number == other.Number && string.Equals(Text, other.Text, StringComparison.Ordinal)
        && Numbers.SequenceEqual(other.Numbers) && Texts.SequenceEqual(other.Texts, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Number, Text, Numbers.Length, Texts.Length);
}

/// <summary>
/// A condition of a segment or tier rule: a closed hierarchy of <c>all</c>, <c>any</c>, <c>not</c>, metric
/// comparisons, tag tests and counts of recent events. Parsed and validated by <see cref="RuleConditionJson"/>.
/// </summary>
public abstract record RuleCondition;

public sealed record AllOfRule(ImmutableArray<RuleCondition> Conditions) : RuleCondition
{
    public bool Equals(AllOfRule? other) => other is not null && Conditions.SequenceEqual(other.Conditions);

    public override int GetHashCode() => Conditions.Length;
}

public sealed record AnyOfRule(ImmutableArray<RuleCondition> Conditions) : RuleCondition
{
    public bool Equals(AnyOfRule? other) => other is not null && Conditions.SequenceEqual(other.Conditions);

    public override int GetHashCode() => Conditions.Length + 1;
}

public sealed record NotRule(RuleCondition Condition) : RuleCondition;

/// <summary>A named metric compared with a value: <c>{ "metric": "orders", "op": "&gt;=", "value": 2 }</c>.</summary>
public sealed record MetricRule(string Metric, CompareOp Op, Operand Value) : RuleCondition;

/// <summary>A tag present (<see cref="Op"/> null), or its value compared: <c>{ "tag": "tier", "op": "==", "value": "active" }</c>.</summary>
public sealed record HasTagRule(string Tag, CompareOp? Op, Operand? Value) : RuleCondition;

/// <summary>
/// The number of events of one name in the last <see cref="WithinDays"/> days, compared:
/// <c>{ "event": "Product Viewed", "withinDays": 7, "op": "&gt;=", "value": 3 }</c>. Answered from the profile's
/// recent events only, so it is unknown (the condition fails) when the window reaches past what the profile keeps.
/// </summary>
public sealed record EventCountRule(string Event, int WithinDays, CompareOp Op, Operand Value) : RuleCondition;

/// <summary>What a condition is evaluated against: a profile (segments) or a tier input (tiers).</summary>
public interface IRuleSubject
{
    MetricValue Metric(string name);

    /// <summary>The tag's value, or null when the subject has no such tag (or no tags at all).</summary>
    string? Tag(string name);

    /// <summary>Events named <paramref name="name"/> in the last <paramref name="withinDays"/> days, or none when not known.</summary>
    MetricValue EventCount(string name, int withinDays);
}

public static class RuleConditions
{
    public static bool Holds(RuleCondition condition, IRuleSubject subject) => condition switch
    {
        AllOfRule all => all.Conditions.All(c => Holds(c, subject)),
        AnyOfRule any => any.Conditions.Any(c => Holds(c, subject)),
        NotRule not => !Holds(not.Condition, subject),
        MetricRule m => Compare(subject.Metric(m.Metric), m.Op, m.Value),
        HasTagRule t => subject.Tag(t.Tag) is { } value && (t.Op is not { } op || Compare(TagValue(value), op, t.Value!)),
        EventCountRule e => Compare(subject.EventCount(e.Event, e.WithinDays), e.Op, e.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition, "unknown condition type"),
    };

    /// <summary>A tag's text, also read as a number when it is one ("5", "0.82"), so tags compare either way.</summary>
    private static MetricValue TagValue(string value) =>
        new(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null, value);

    public static bool Compare(MetricValue value, CompareOp op, Operand operand)
    {
        switch (op)
        {
            case CompareOp.Between:
                return value.Number is { } x && operand.Numbers.Length == 2 && x >= operand.Numbers[0] && x <= operand.Numbers[1];
            case CompareOp.In:
                return (value.Number is { } n && operand.Numbers.Contains(n))
                    || (value.Text is { } s && operand.Texts.Contains(s, StringComparer.OrdinalIgnoreCase));
        }
        if (operand.Number is { } target && value.Number is { } v)
        {
            return op switch
            {
                CompareOp.Less => v < target,
                CompareOp.LessOrEqual => v <= target,
                CompareOp.Greater => v > target,
                CompareOp.GreaterOrEqual => v >= target,
                CompareOp.Equal => v == target,
                CompareOp.NotEqual => v != target,
                _ => false,
            };
        }
        if (operand.Text is { } text && value.Text is { } t)
        {
            return op switch
            {
                CompareOp.Equal => string.Equals(t, text, StringComparison.OrdinalIgnoreCase),
                CompareOp.NotEqual => !string.Equals(t, text, StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
        }
        return false;
    }
}
