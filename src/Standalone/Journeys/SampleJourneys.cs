using System.Text.Json;
using Lodestar.Journeys;

namespace Lodestar.Standalone.Journeys;

/// <summary>A sample journey of the repository's <c>journeys/</c> folder: its file name, JSON as published, and definition.</summary>
internal sealed record SampleJourney(string File, string Json, JourneyDefinition Definition);

/// <summary>
/// The sample journeys shipped in <c>journeys/</c> (found by walking up from the working directory, then from the
/// program's folder), validated against <c>templates.json</c>.
/// </summary>
internal static class SampleJourneys
{
    private const string Marker = "journey.schema.json";

    public static string? FindFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "journeys");
                if (File.Exists(Path.Combine(candidate, Marker)))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>Every sample, by file name; a sample that does not validate is a bug in the repository and throws.</summary>
    public static IReadOnlyList<SampleJourney> Load(string folder)
    {
        var templates = Path.Combine(folder, "templates.json");
        IReadOnlySet<string>? known = null;
        if (File.Exists(templates))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(templates));
            known = doc.RootElement.GetProperty("templates").EnumerateArray().Select(t => t.GetString()!).ToHashSet(StringComparer.Ordinal);
        }
        var samples = new List<SampleJourney>();
        foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name is Marker or "templates.json")
            {
                continue;
            }
            var json = File.ReadAllText(path);
            var parsed = JourneyReader.Parse(json, new JourneyValidationOptions(known));
            if (!parsed.IsValid)
            {
                throw new InvalidDataException($"{name}: {string.Join("; ", parsed.Errors.Select(e => $"{e.Pointer} {e.Message}"))}");
            }
            samples.Add(new SampleJourney(name, json, parsed.Value!));
        }
        return samples;
    }
}
