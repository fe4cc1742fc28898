using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Validation;

namespace Lodestar.Scoring;

/// <summary>Whether a metric is a number (compared with &lt; &lt;= &gt; &gt;= == != between in) or a text (== != in).</summary>
public enum MetricKind { Number, Text }

/// <summary>
/// The names a rule may use: metrics with their kinds, and whether tag and recent-event conditions make sense for
/// the subject (a profile has tags and recent events; a tier input has neither).
/// </summary>
public sealed class RuleVocabulary(IReadOnlyDictionary<string, MetricKind> metrics, bool tags, bool events)
{
    private readonly FrozenDictionary<string, MetricKind> _metrics = metrics.ToFrozenDictionary(StringComparer.Ordinal);

    public IEnumerable<string> Metrics => _metrics.Keys.Order(StringComparer.Ordinal);

    public bool Tags => tags;

    public bool Events => events;

    public MetricKind? KindOf(string metric) => _metrics.TryGetValue(metric, out var kind) ? kind : null;
}

/// <summary>
/// The JSON form of <see cref="RuleCondition"/>, shared by segment and tier rules:
/// <c>{ "all": [...] }</c>, <c>{ "any": [...] }</c>, <c>{ "not": {...} }</c>,
/// <c>{ "metric": m, "op": o, "value": v }</c>, <c>{ "tag": t }</c> or <c>{ "tag": t, "op": o, "value": v }</c>,
/// <c>{ "event": e, "withinDays": d, "op": o, "value": v }</c>. Every error carries its JSON pointer.
/// </summary>
public static class RuleConditionJson
{
    /// <summary>Longest event window: beyond that "recent" means nothing a profile keeps.</summary>
    public const int MaxWindowDays = 3_650;

    private static readonly FrozenDictionary<string, CompareOp> Ops = new Dictionary<string, CompareOp>(StringComparer.Ordinal)
    {
        ["<"] = CompareOp.Less, ["<="] = CompareOp.LessOrEqual, [">"] = CompareOp.Greater, [">="] = CompareOp.GreaterOrEqual,
        ["=="] = CompareOp.Equal, ["!="] = CompareOp.NotEqual, ["between"] = CompareOp.Between, ["in"] = CompareOp.In,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string OpList = string.Join(" ", Ops.Keys.OrderBy(k => Ops[k]));

    public static string OpText(CompareOp op) => Ops.First(kv => kv.Value == op).Key;

    internal static RuleCondition? Read(JsonElement el, string at, List<FieldError> errors, RuleVocabulary vocabulary)
    {
        if (!ScoringJson.IsObject(el, at, errors, "a condition object (all, any, not, metric, tag or event)"))
        {
            return null;
        }
        string[] kinds = ["all", "any", "not", "metric", "tag", "event"];
        var present = kinds.Where(k => el.TryGetProperty(k, out _)).ToList();
        if (present.Count != 1)
        {
            errors.Add(new FieldError(at, present.Count == 0
                ? "a condition needs one of: all, any, not, metric, tag, event"
                : $"a condition has exactly one of all, any, not, metric, tag, event; found {string.Join(", ", present)}"));
            return null;
        }
        switch (present[0])
        {
            case "all" or "any":
                {
                    var name = present[0];
                    ScoringJson.OnlyKnown(el, at, errors, name);
                    var list = el.GetProperty(name);
                    if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                    {
                        errors.Add(new FieldError($"{at}/{name}", "expected a non-empty array of conditions"));
                        return null;
                    }
                    var items = list.EnumerateArray().Select((c, i) => Read(c, $"{at}/{name}/{i}", errors, vocabulary)).ToList();
                    if (items.Any(c => c is null))
                    {
                        return null;
                    }
                    ImmutableArray<RuleCondition> conditions = [.. items!];
                    return name == "all" ? new AllOfRule(conditions) : new AnyOfRule(conditions);
                }
            case "not":
                ScoringJson.OnlyKnown(el, at, errors, "not");
                return Read(el.GetProperty("not"), $"{at}/not", errors, vocabulary) is { } inner ? new NotRule(inner) : null;
            case "metric":
                return ReadMetric(el, at, errors, vocabulary);
            case "tag":
                return ReadTag(el, at, errors, vocabulary);
            default:
                return ReadEvent(el, at, errors, vocabulary);
        }
    }

    private static MetricRule? ReadMetric(JsonElement el, string at, List<FieldError> errors, RuleVocabulary vocabulary)
    {
        ScoringJson.OnlyKnown(el, at, errors, "metric", "op", "value");
        var before = errors.Count;
        var metric = ScoringJson.Text(el, "metric", at, errors, required: true);
        MetricKind? kind = null;
        if (metric is not null && (kind = vocabulary.KindOf(metric)) is null)
        {
            errors.Add(new FieldError($"{at}/metric", $"unknown metric '{metric}'; known: {string.Join(", ", vocabulary.Metrics)}"));
        }
        var op = ReadOp(el, at, errors, required: true);
        var value = op is { } o ? ReadValue(el, at, errors, o, kind) : null;
        return errors.Count > before ? null : new MetricRule(metric!, op!.Value, value!);
    }

    private static HasTagRule? ReadTag(JsonElement el, string at, List<FieldError> errors, RuleVocabulary vocabulary)
    {
        if (!vocabulary.Tags)
        {
            errors.Add(new FieldError($"{at}/tag", "tag conditions are not available here"));
            return null;
        }
        ScoringJson.OnlyKnown(el, at, errors, "tag", "op", "value");
        var before = errors.Count;
        var tag = ScoringJson.Text(el, "tag", at, errors, required: true);
        var op = ReadOp(el, at, errors, required: false);
        Operand? value = null;
        if (op is { } o)
        {
            value = ReadValue(el, at, errors, o, kind: null);
        }
        else if (el.TryGetProperty("value", out _))
        {
            errors.Add(new FieldError($"{at}/op", "a value needs an operator; without both the condition tests that the tag is present"));
        }
        return errors.Count > before ? null : new HasTagRule(tag!, op, value);
    }

    private static EventCountRule? ReadEvent(JsonElement el, string at, List<FieldError> errors, RuleVocabulary vocabulary)
    {
        if (!vocabulary.Events)
        {
            errors.Add(new FieldError($"{at}/event", "event conditions are not available here"));
            return null;
        }
        ScoringJson.OnlyKnown(el, at, errors, "event", "withinDays", "op", "value");
        var before = errors.Count;
        var name = ScoringJson.Text(el, "event", at, errors, required: true);
        var days = ScoringJson.Whole(el, "withinDays", at, errors, 1, MaxWindowDays, required: true);
        var op = ReadOp(el, at, errors, required: true);
        var value = op is { } o ? ReadValue(el, at, errors, o, MetricKind.Number) : null;
        return errors.Count > before ? null : new EventCountRule(name!, days!.Value, op!.Value, value!);
    }

    private static CompareOp? ReadOp(JsonElement el, string at, List<FieldError> errors, bool required)
    {
        if (!el.TryGetProperty("op", out var v))
        {
            if (required)
            {
                errors.Add(new FieldError($"{at}/op", $"is required: one of {OpList}"));
            }
            return null;
        }
        if (v.ValueKind == JsonValueKind.String && Ops.TryGetValue(v.GetString()!, out var op))
        {
            return op;
        }
        errors.Add(new FieldError($"{at}/op", $"unknown operator; use one of {OpList}"));
        return null;
    }

    /// <summary>The value an operator needs: kind null (tags) accepts a number or a text wherever either makes sense.</summary>
    private static Operand? ReadValue(JsonElement el, string at, List<FieldError> errors, CompareOp op, MetricKind? kind)
    {
        var vat = $"{at}/value";
        if (!el.TryGetProperty("value", out var v))
        {
            errors.Add(new FieldError(vat, "is required"));
            return null;
        }
        switch (op)
        {
            case CompareOp.Between:
                if (kind == MetricKind.Text || v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2
                    || v[0].ValueKind != JsonValueKind.Number || v[1].ValueKind != JsonValueKind.Number)
                {
                    errors.Add(new FieldError(vat, kind == MetricKind.Text ? "'between' compares numbers; this metric is a text" : "expected [low, high]: two numbers"));
                    return null;
                }
                if (v[0].GetDouble() > v[1].GetDouble())
                {
                    errors.Add(new FieldError(vat, "low must not exceed high"));
                    return null;
                }
                return Operand.OfNumbers(v[0].GetDouble(), v[1].GetDouble());
            case CompareOp.In:
                if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0)
                {
                    if (kind != MetricKind.Text && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number))
                    {
                        return Operand.OfNumbers([.. v.EnumerateArray().Select(x => x.GetDouble())]);
                    }
                    if (kind != MetricKind.Number && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String))
                    {
                        return Operand.OfTexts([.. v.EnumerateArray().Select(x => x.GetString()!)]);
                    }
                }
                errors.Add(new FieldError(vat, kind switch
                {
                    MetricKind.Number => "expected a non-empty array of numbers",
                    MetricKind.Text => "expected a non-empty array of strings",
                    _ => "expected a non-empty array of numbers or of strings",
                }));
                return null;
            case CompareOp.Equal or CompareOp.NotEqual:
                if (v.ValueKind == JsonValueKind.Number && kind != MetricKind.Text)
                {
                    return Operand.Of(v.GetDouble());
                }
                if (v.ValueKind == JsonValueKind.String && kind != MetricKind.Number)
                {
                    return Operand.Of(v.GetString()!);
                }
                errors.Add(new FieldError(vat, kind switch
                {
                    MetricKind.Number => "expected a number",
                    MetricKind.Text => "expected a string",
                    _ => "expected a number or a string",
                }));
                return null;
            default:
                if (kind == MetricKind.Text)
                {
                    errors.Add(new FieldError($"{at}/op", "this metric is a text: use ==, != or in"));
                    return null;
                }
                if (v.ValueKind == JsonValueKind.Number)
                {
                    return Operand.Of(v.GetDouble());
                }
                errors.Add(new FieldError(vat, "expected a number"));
                return null;
        }
    }

    internal static void Write(Utf8JsonWriter w, RuleCondition condition)
    {
        w.WriteStartObject();
        switch (condition)
        {
            case AllOfRule all:
                WriteList(w, "all", all.Conditions);
                break;
            case AnyOfRule any:
                WriteList(w, "any", any.Conditions);
                break;
            case NotRule not:
                w.WritePropertyName("not");
                Write(w, not.Condition);
                break;
            case MetricRule m:
                w.WriteString("metric", m.Metric);
                WriteComparison(w, m.Op, m.Value);
                break;
            case HasTagRule t:
                w.WriteString("tag", t.Tag);
                if (t.Op is { } op)
                {
                    WriteComparison(w, op, t.Value!);
                }
                break;
            case EventCountRule e:
                w.WriteString("event", e.Event);
                w.WriteNumber("withinDays", e.WithinDays);
                WriteComparison(w, e.Op, e.Value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(condition), condition, "unknown condition type");
        }
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, string name, ImmutableArray<RuleCondition> conditions)
    {
        w.WriteStartArray(name);
        foreach (var c in conditions)
        {
            Write(w, c);
        }
        w.WriteEndArray();
    }

    private static void WriteComparison(Utf8JsonWriter w, CompareOp op, Operand value)
    {
        w.WriteString("op", OpText(op));
        w.WritePropertyName("value");
        if (value.Number is { } n)
        {
            w.WriteNumberValue(n);
        }
        else if (value.Text is { } s)
        {
            w.WriteStringValue(s);
        }
        else
        {
            w.WriteStartArray();
            foreach (var x in value.Numbers)
            {
                w.WriteNumberValue(x);
            }
            foreach (var x in value.Texts)
            {
                w.WriteStringValue(x);
            }
            w.WriteEndArray();
        }
    }

    /// <summary>Reads one condition document (for tests and tools); segment and tier readers embed <see cref="Read"/>.</summary>
    public static Validated<RuleCondition> Parse(string json, RuleVocabulary vocabulary) =>
        ScoringJson.Parse(json, (root, errors) => Read(root, "", errors, vocabulary));

    public static string ToJson(RuleCondition condition) => ScoringJson.Write(w => Write(w, condition));
}
