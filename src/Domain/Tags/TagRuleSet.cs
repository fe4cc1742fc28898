using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Validation;

namespace Lodestar.Tags;

/// <summary>Tag rules read from JSON (an array of rule objects); every error names its JSON pointer.</summary>
public sealed class TagRuleSet
{
    private static readonly string[] Ops = ["<", "<=", ">", ">=", "==", "!="];

    private TagRuleSet(ImmutableArray<TagRule> rules) => Rules = rules;

    public ImmutableArray<TagRule> Rules { get; }

    public IEnumerable<TagRule> For(TagCadence cadence) => Rules.Where(r => r.Cadence == cadence);

    /// <summary>The rules shipped with the product (Tags/default-tag-rules.json).</summary>
    public static TagRuleSet Default { get; } = LoadDefault();

    public static Validated<TagRuleSet> Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return Validated<TagRuleSet>.Fail([new FieldError("", $"not JSON: {e.Message}")]);
        }
        using (doc)
        {
            var errors = new List<FieldError>();
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return Validated<TagRuleSet>.Fail([new FieldError("", "expected an array of tag rules")]);
            }
            var rules = ImmutableArray.CreateBuilder<TagRule>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var el in doc.RootElement.EnumerateArray())
            {
                if (ReadRule(el, $"/{i}", errors) is { } rule)
                {
                    if (!ids.Add(rule.Id))
                    {
                        errors.Add(new FieldError($"/{i}/id", $"duplicate rule id '{rule.Id}'"));
                    }
                    rules.Add(rule);
                }
                i++;
            }
            return errors.Count > 0 ? Validated<TagRuleSet>.Fail(errors) : Validated<TagRuleSet>.Ok(new TagRuleSet(rules.ToImmutable()));
        }
    }

    private static TagRule? ReadRule(JsonElement el, string at, List<FieldError> errors)
    {
        if (el.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(at, "expected a rule object"));
            return null;
        }
        var before = errors.Count;
        var id = Str(el, "id", at, errors, required: true);
        var family = EnumOf<TagFamily>(el, "family", at, errors);
        var cadence = EnumOf<TagCadence>(el, "cadence", at, errors);
        var metric = Str(el, "metric", at, errors, required: false);
        if (metric is not null && !ProfileMetrics.Exists(metric))
        {
            errors.Add(new FieldError($"{at}/metric", $"unknown metric '{metric}'; known: {string.Join(", ", ProfileMetrics.Names.Order())}"));
        }
        Condition? when = el.TryGetProperty("when", out var w) ? ReadCondition(w, $"{at}/when", errors) : null;
        var bands = ImmutableArray<Band>.Empty;
        if (el.TryGetProperty("bands", out var b))
        {
            bands = ReadBands(b, $"{at}/bands", errors);
            if (metric is null)
            {
                errors.Add(new FieldError($"{at}/metric", "bands need a metric"));
            }
        }
        if (when is null && metric is null && !el.TryGetProperty("when", out _))
        {
            errors.Add(new FieldError(at, "a rule needs 'when', or 'metric' (with optional 'bands')"));
        }
        var value = Str(el, "value", at, errors, required: false) ?? "true";
        return errors.Count > before ? null : new TagRule(id!, family, cadence, metric, when, bands, value);
    }

    private static Condition? ReadCondition(JsonElement el, string at, List<FieldError> errors)
    {
        if (el.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(at, "expected a condition object"));
            return null;
        }
        foreach (var (name, make) in new (string, Func<ImmutableArray<Condition>, Condition>)[] { ("all", c => new AllOf(c)), ("any", c => new AnyOf(c)) })
        {
            if (el.TryGetProperty(name, out var list))
            {
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                {
                    errors.Add(new FieldError($"{at}/{name}", "expected a non-empty array of conditions"));
                    return null;
                }
                var items = list.EnumerateArray().Select((c, i) => ReadCondition(c, $"{at}/{name}/{i}", errors)).ToList();
                return items.Any(c => c is null) ? null : make([.. items!]);
            }
        }
        var metric = Str(el, "metric", at, errors, required: true);
        if (metric is not null && !ProfileMetrics.Exists(metric))
        {
            errors.Add(new FieldError($"{at}/metric", $"unknown metric '{metric}'"));
        }
        var op = Str(el, "op", at, errors, required: true);
        if (op is not null && !Ops.Contains(op))
        {
            errors.Add(new FieldError($"{at}/op", $"unknown operator '{op}'; use one of {string.Join(" ", Ops)}"));
        }
        if (!el.TryGetProperty("value", out var v) || v.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
        {
            errors.Add(new FieldError($"{at}/value", "expected a number or a string"));
            return null;
        }
        return metric is null || op is null ? null
            : new Comparison(metric, op, v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null, v.ValueKind == JsonValueKind.String ? v.GetString() : null);
    }

    private static ImmutableArray<Band> ReadBands(JsonElement el, string at, List<FieldError> errors)
    {
        if (el.ValueKind != JsonValueKind.Array || el.GetArrayLength() == 0)
        {
            errors.Add(new FieldError(at, "expected a non-empty array of bands"));
            return [];
        }
        var bands = ImmutableArray.CreateBuilder<Band>();
        double? last = null;
        var i = 0;
        foreach (var band in el.EnumerateArray())
        {
            var bat = $"{at}/{i++}";
            double? below = band.TryGetProperty("below", out var bl) && bl.ValueKind == JsonValueKind.Number ? bl.GetDouble() : null;
            if (below is not null && last is not null && below <= last)
            {
                errors.Add(new FieldError($"{bat}/below", "bands must ascend"));
            }
            if (Str(band, "value", bat, errors, required: true) is { } value)
            {
                bands.Add(new Band(below, value));
            }
            last = below ?? last;
        }
        return bands.ToImmutable();
    }

    private static string? Str(JsonElement el, string name, string at, List<FieldError> errors, bool required)
    {
        if (el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s)
        {
            return s;
        }
        if (required || el.TryGetProperty(name, out _))
        {
            errors.Add(new FieldError($"{at}/{name}", "expected a non-empty string"));
        }
        return null;
    }

    private static T EnumOf<T>(JsonElement el, string name, string at, List<FieldError> errors) where T : struct, Enum
    {
        if (el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && Enum.TryParse<T>(v.GetString(), ignoreCase: true, out var value))
        {
            return value;
        }
        errors.Add(new FieldError($"{at}/{name}", $"expected one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}"));
        return default;
    }

    private static TagRuleSet LoadDefault()
    {
        using var stream = typeof(TagRuleSet).Assembly.GetManifestResourceStream("Lodestar.default-tag-rules.json")
            ?? throw new InvalidOperationException("default tag rules are not embedded");
        using var reader = new StreamReader(stream);
        var parsed = Parse(reader.ReadToEnd());
        return parsed.IsValid ? parsed.Value! : throw new InvalidOperationException("default tag rules are invalid: " + string.Join("; ", parsed.Errors));
    }
}
