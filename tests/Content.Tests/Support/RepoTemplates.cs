using Lodestar.Content;
using Lodestar.Journeys;

namespace Lodestar.Tests.Support;

/// <summary>The repository's own templates folder, loaded once for all tests.</summary>
public static class RepoTemplates
{
    private static readonly Lazy<TemplateCatalog> Loaded = new(() =>
        TemplateCatalog.Load(TemplateCatalog.Locate(AppContext.BaseDirectory) ?? throw new DirectoryNotFoundException("no templates folder above the test output")));

    public static TemplateCatalog Catalog => Loaded.Value;

    public static string Folder => Catalog.Folder;

    /// <summary>The ids the sample journeys use (journeys/templates.json).</summary>
    public static IReadOnlyList<string> JourneyTemplateIds()
    {
        var path = Path.Combine(Path.GetDirectoryName(Folder)!, "journeys", "templates.json");
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.GetProperty("templates").EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>Every send node of the sample journeys (journeys/*.json), with the journey's file name.</summary>
    public static IReadOnlyList<(string Journey, SendNode Send)> JourneySends() => Sends.Value;

    private static readonly Lazy<IReadOnlyList<(string, SendNode)>> Sends = new(() =>
    {
        var folder = Path.Combine(Path.GetDirectoryName(Folder)!, "journeys");
        var sends = new List<(string, SendNode)>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name is "templates" || name.EndsWith(".schema", StringComparison.Ordinal))
            {
                continue;
            }
            var parsed = JourneyReader.Parse(File.ReadAllText(file));
            Assert.True(parsed.IsValid, $"{name}: " + string.Join("; ", parsed.Errors));
            sends.AddRange(parsed.Value!.Nodes.OfType<SendNode>().Select(s => (name, s)));
        }
        return sends;
    });
}
