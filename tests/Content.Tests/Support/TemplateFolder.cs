namespace Lodestar.Tests.Support;

/// <summary>A throw-away templates folder written by a test, deleted afterwards.</summary>
public sealed class TemplateFolder : IDisposable
{
    public TemplateFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lodestar-templates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public TemplateFolder With(string id, string channel, IReadOnlyDictionary<string, string> locales, string? manifestExtra = null)
    {
        var dir = System.IO.Path.Combine(Path, id);
        Directory.CreateDirectory(dir);
        File.WriteAllText(System.IO.Path.Combine(dir, "template.json"),
            $$"""{ "channel": "{{channel}}", "defaultLocale": "zh-CN", "description": "test"{{manifestExtra}} }""");
        foreach (var (locale, text) in locales)
        {
            File.WriteAllText(System.IO.Path.Combine(dir, locale + ".liquid"), text);
        }
        return this;
    }

    public TemplateFolder WithBannedWords(params string[] words)
    {
        File.WriteAllLines(System.IO.Path.Combine(Path, "banned-words.txt"), words);
        return this;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
