using System.Text.Json;
using Json.Schema;
using Lodestar.Validation;

namespace Lodestar.Journeys;

/// <summary>
/// The published JSON Schema of journey definitions (journeys/journey.schema.json, draft 2020-12), evaluated with
/// JsonSchema.Net. Tools and editors use the schema; the platform validates with <see cref="JourneyReader"/>, which
/// checks the same format and the graph. <see cref="Validate(string, JourneyValidationOptions?)"/> runs both.
/// </summary>
public static class JourneySchema
{
    /// <summary>The schema's text, as published.</summary>
    public static string Text { get; } = Load();

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(Text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    /// <summary>The schema's findings: one error per failing keyword at the deepest location, with its JSON pointer.</summary>
    public static IReadOnlyList<FieldError> Check(JsonElement document)
    {
        var results = Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }
        var errors = new List<FieldError>();
        foreach (var detail in results.Details ?? [])
        {
            // An "if" that does not match is how the schema selects a node type, not a finding.
            if (detail.IsValid || detail.Errors is not { Count: > 0 } messages || UnderIf(detail.EvaluationPath.ToString()))
            {
                continue;
            }
            foreach (var (keyword, message) in messages)
            {
                errors.Add(new FieldError(detail.InstanceLocation.ToString(), $"{message} (schema: {detail.EvaluationPath}, {keyword})"));
            }
        }
        return errors.Count > 0 ? errors.Distinct().ToList() : [new FieldError("", "the document does not match the journey schema")];
    }

    /// <summary>Whether an evaluation path runs through an "if" keyword (not a property named "if").</summary>
    private static bool UnderIf(string evaluationPath)
    {
        var segments = evaluationPath.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i] == "if" && segments[i - 1] != "properties")
            {
                return true;
            }
        }
        return false;
    }

    public static IReadOnlyList<FieldError> Check(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Check(document.RootElement);
    }

    /// <summary>
    /// Validates a definition for publishing against both the published schema and the Domain reader and validator
    /// (which also check references, reachability, loops and templates). Errors carry JSON pointers.
    /// </summary>
    public static Validated<JourneyDefinition> Validate(string json, JourneyValidationOptions? options = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return Validated<JourneyDefinition>.Fail([new FieldError("", $"not JSON: {e.Message}")]);
        }
        using (document)
        {
            var schemaErrors = Check(document.RootElement);
            var parsed = JourneyReader.Parse(document.RootElement, options);
            // The reader checks the same format with plainer messages (and the graph): its errors win. The schema's
            // own are reported only where it disagrees with the reader, which would be a bug in one of them.
            return schemaErrors.Count == 0 || !parsed.IsValid ? parsed : Validated<JourneyDefinition>.Fail(schemaErrors);
        }
    }

    private static string Load()
    {
        using var stream = typeof(JourneySchema).Assembly.GetManifestResourceStream("Lodestar.journey.schema.json")
            ?? throw new InvalidOperationException("the journey schema is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
