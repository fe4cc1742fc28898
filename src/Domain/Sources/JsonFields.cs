using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Lodestar.Validation;

namespace Lodestar.Sources;

/// <summary>Reads typed fields of one JSON object, collecting an error with its JSON pointer for each bad field.</summary>
internal sealed class JsonFields(JsonElement element, string pointer, List<FieldError> errors)
{
    public string Pointer => pointer;

    public List<FieldError> Errors => errors;

    public bool IsObject => element.ValueKind == JsonValueKind.Object;

    public bool Has(string name) => element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public void Fail(string name, string message) => errors.Add(new FieldError(At(name), message));

    public string At(string name) => $"{pointer}/{name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";

    public string? String(string name, bool required = false, int maxLength = 200)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(name, "is required");
            }
            return null;
        }
        // Identifiers may arrive as numbers (member ids from POS systems); accept them as text.
        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        };
        if (s is null)
        {
            Fail(name, "must be a string");
            return null;
        }
        s = s.Trim();
        if (s.Length == 0 && required)
        {
            Fail(name, "must not be empty");
            return null;
        }
        if (s.Length > maxLength)
        {
            Fail(name, $"must be at most {maxLength} characters");
            return null;
        }
        return s.Length == 0 ? null : s;
    }

    public bool? Bool(string name)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }
        Fail(name, "must be true or false");
        return null;
    }

    public decimal? Number(string name, bool required = false)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(name, "is required");
            }
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d))
        {
            return d;
        }
        if (v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out d))
        {
            return d;
        }
        Fail(name, "must be a number");
        return null;
    }

    /// <summary>An ISO-8601 timestamp (with or without offset) or Unix epoch milliseconds.</summary>
    public DateTimeOffset? Timestamp(string name, TimeSpan assumedOffset, out bool offsetStated)
    {
        offsetStated = true;
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var ms) && ms is > 0 and < 32_503_680_000_000)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        if (v.ValueKind == JsonValueKind.String && Timestamps.TryParse(v.GetString()!, assumedOffset, out var at, out offsetStated))
        {
            return at;
        }
        Fail(name, "must be an ISO-8601 timestamp (e.g. 2026-11-25T20:15:00+08:00) or Unix milliseconds");
        return null;
    }

    public JsonFields? Object(string name, bool required = false)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(name, "is required");
            }
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            Fail(name, "must be an object");
            return null;
        }
        return new JsonFields(v, At(name), errors);
    }

    public IEnumerable<JsonFields> Array(string name, bool required = false)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(name, "is required");
            }
            return [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            Fail(name, "must be an array");
            return [];
        }
        var at = At(name);
        return v.EnumerateArray().Select((item, i) => new JsonFields(item, $"{at}/{i}", errors)).ToList();
    }

    /// <summary>The object's members as a property bag (values cloned so the document may be disposed).</summary>
    public ImmutableSortedDictionary<string, JsonElement> Bag()
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return ImmutableSortedDictionary<string, JsonElement>.Empty;
        }
        // One clone of the whole object; its members share that copy (a clone per member would copy the document each time).
        var bag = ImmutableSortedDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in element.Clone().EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Null)
            {
                bag[p.Name] = p.Value; // a repeated name: the last one wins, as JSON readers usually do
            }
        }
        return bag.ToImmutable();
    }

    /// <summary>The object's scalar members as text (traits).</summary>
    public ImmutableSortedDictionary<string, string> Texts() => element.ValueKind != JsonValueKind.Object
        ? ImmutableSortedDictionary<string, string>.Empty
        : element.EnumerateObject()
            .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(g => g.Key, g => g.Last().Value.ValueKind == JsonValueKind.String ? g.Last().Value.GetString()! : g.Last().Value.GetRawText(), StringComparer.Ordinal);
}
