using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lodestar.Validation;

namespace Lodestar.Scoring;

/// <summary>
/// Reading and writing the scoring configurations (RFM scheme, tier rules, segments): every error is collected with
/// the RFC 6901 pointer of the offending value and a plain message, as <see cref="Tags.TagRuleSet"/> does.
/// </summary>
internal static class ScoringJson
{
    public static Validated<T> Parse<T>(string json, Func<JsonElement, List<FieldError>, T?> read) where T : class
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            return Validated<T>.Fail([new FieldError("", $"not JSON: {e.Message}")]);
        }
        using (doc)
        {
            var errors = new List<FieldError>();
            var value = read(doc.RootElement, errors);
            return errors.Count > 0 || value is null
                ? Validated<T>.Fail(errors.Count > 0 ? errors : [new FieldError("", "nothing to read")])
                : Validated<T>.Ok(value);
        }
    }

    public static string At(string at, string name) =>
        $"{at}/{name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";

    public static bool IsObject(JsonElement el, string at, List<FieldError> errors, string what)
    {
        if (el.ValueKind == JsonValueKind.Object)
        {
            return true;
        }
        errors.Add(new FieldError(at, $"expected {what}"));
        return false;
    }

    /// <summary>Reports properties the reader does not know: a misspelt key would otherwise be silently ignored.</summary>
    public static void OnlyKnown(JsonElement el, string at, List<FieldError> errors, params ReadOnlySpan<string> known)
    {
        foreach (var property in el.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                errors.Add(new FieldError(At(at, property.Name), $"unknown property; expected {string.Join(", ", known.ToArray())}"));
            }
        }
    }

    public static string? Text(JsonElement el, string name, string at, List<FieldError> errors, bool required)
    {
        if (el.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } s && s.Trim().Length > 0)
        {
            return s.Trim();
        }
        if (required || el.TryGetProperty(name, out _))
        {
            errors.Add(new FieldError(At(at, name), "expected a non-empty string"));
        }
        return null;
    }

    public static int? Whole(JsonElement el, string name, string at, List<FieldError> errors, int min, int max, bool required)
    {
        if (!el.TryGetProperty(name, out var v))
        {
            if (required)
            {
                errors.Add(new FieldError(At(at, name), $"expected a whole number from {min} to {max}"));
            }
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= min && n <= max)
        {
            return n;
        }
        errors.Add(new FieldError(At(at, name), $"expected a whole number from {min} to {max}"));
        return null;
    }

    public static double? Number(JsonElement el, string name, string at, List<FieldError> errors, double min, double max)
    {
        if (!el.TryGetProperty(name, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.GetDouble() is var x && x >= min && x <= max)
        {
            return x;
        }
        errors.Add(new FieldError(At(at, name), $"expected a number from {min} to {max}"));
        return null;
    }

    /// <summary>Writes indented JSON the way the product stores configuration (two spaces, no escaping of quotes).</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
