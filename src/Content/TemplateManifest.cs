using System.Text.Json;
using System.Text.Json.Serialization;
using Lodestar.Journeys;

namespace Lodestar.Content;

/// <summary>
/// A template folder's <c>template.json</c>: the channel, the locale used when a customer's locale has no version, a
/// description for people, and the purpose (marketing templates must carry an unsubscribe link in email).
/// </summary>
public sealed record TemplateManifest(
    Channel Channel,
    string DefaultLocale,
    string Description,
    bool Marketing = true,
    int? MaxSmsSegments = null)
{
    public const string FileName = "template.json";

    private sealed record Raw(
        [property: JsonPropertyName("channel")] string? Channel,
        [property: JsonPropertyName("defaultLocale")] string? DefaultLocale,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("marketing")] bool? Marketing,
        [property: JsonPropertyName("maxSmsSegments")] int? MaxSmsSegments);

    private static readonly JsonSerializerOptions Options = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Reads a manifest; returns the problems instead when it is malformed.</summary>
    public static (TemplateManifest? Manifest, IReadOnlyList<string> Errors) Parse(string json)
    {
        Raw? raw;
        try
        {
            raw = JsonSerializer.Deserialize<Raw>(json, Options);
        }
        catch (JsonException e)
        {
            return (null, [$"{FileName} is not valid: {e.Message}"]);
        }
        var errors = new List<string>();
        if (raw is null)
        {
            return (null, [$"{FileName} is empty"]);
        }
        if (!Channels.TryParse(raw.Channel, out var channel))
        {
            errors.Add($"{FileName}: \"channel\" must be one of {Channels.KnownNames}");
        }
        if (string.IsNullOrWhiteSpace(raw.DefaultLocale))
        {
            errors.Add($"{FileName}: \"defaultLocale\" is required (zh-CN or en)");
        }
        if (raw.MaxSmsSegments is < 1 or > 10)
        {
            errors.Add($"{FileName}: \"maxSmsSegments\" must be between 1 and 10");
        }
        return errors.Count > 0
            ? (null, errors)
            : (new TemplateManifest(channel, raw.DefaultLocale!, raw.Description ?? "", raw.Marketing ?? true, raw.MaxSmsSegments), []);
    }
}
