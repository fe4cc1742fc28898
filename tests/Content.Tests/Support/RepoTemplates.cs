using Lodestar.Content;

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
}
