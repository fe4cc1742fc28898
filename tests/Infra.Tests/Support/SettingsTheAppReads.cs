using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lodestar.Tests.Support;

/// <summary>
/// The app settings src/Functions reads, taken from the source at test time so a new setting fails the infra tests
/// until main.bicep sets it: every key of local.settings.sample.json, and every settable property of a settings class
/// that binds a configuration section (<c>public const string Section = "Lodestar:Runs"</c> → <c>Lodestar__Runs__Zone</c>).
/// </summary>
public static partial class SettingsTheAppReads
{
    /// <summary>Set by Flex Consumption itself (functionAppConfig.runtime); the platform rejects or ignores them as settings.</summary>
    public static readonly IReadOnlyList<string> ForbiddenOnFlex =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_TIME_ZONE",
    ];

    public static string FunctionsFolder => Path.Combine(BicepCli.RepositoryRoot, "src", "Functions");

    /// <summary>The sample's keys (Flex-forbidden ones left out), in app-setting form.</summary>
    public static IReadOnlyList<string> FromSample()
    {
        var sample = new[] { Path.Combine(FunctionsFolder, "local.settings.sample.json"), Path.Combine(BicepCli.RepositoryRoot, "local.settings.sample.json") }
            .FirstOrDefault(File.Exists) ?? throw new FileNotFoundException("local.settings.sample.json not found in src/Functions or the repository root");
        var values = JsonNode.Parse(File.ReadAllText(sample))!["Values"]!.AsObject();
        return [.. values.Select(v => v.Key.Replace(":", "__", StringComparison.Ordinal)).Where(k => !ForbiddenOnFlex.Contains(k))];
    }

    /// <summary>Section-bound settings classes in src/Functions and the properties they bind.</summary>
    public static IReadOnlyList<string> FromSettingsClasses()
    {
        var names = new List<string>();
        foreach (var file in Directory.EnumerateFiles(FunctionsFolder, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match type in SettingsClass().Matches(text))
            {
                var body = Body(text, type.Index);
                if (SectionConstant().Match(body) is not { Success: true } section)
                {
                    continue;
                }
                var prefix = section.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal);
                names.AddRange(SettableProperty().Matches(body).Select(p => $"{prefix}__{p.Groups[1].Value}"));
            }
        }
        return names;
    }

    public static IReadOnlyList<string> All() => [.. FromSample().Concat(FromSettingsClasses()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// A setting is covered by the same name, or by its identity-based form: <c>AzureWebJobsStorage</c> by
    /// <c>AzureWebJobsStorage__accountName</c>, a connection by <c>…__fullyQualifiedNamespace</c>.
    /// </summary>
    public static bool IsCovered(string setting, IEnumerable<string> set) =>
        set.Any(s => s == setting || s.StartsWith(setting + "__", StringComparison.Ordinal));

    // The class body from its opening brace to the matching closing one.
    private static string Body(string text, int from)
    {
        var open = text.IndexOf('{', from);
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return text[open..(i + 1)];
            }
        }
        return text[open..];
    }

    [GeneratedRegex(@"\b(?:sealed\s+|partial\s+)*class\s+\w+Settings\b")]
    private static partial Regex SettingsClass();

    [GeneratedRegex(@"const\s+string\s+Section\s*=\s*""([^""]+)""")]
    private static partial Regex SectionConstant();

    [GeneratedRegex(@"public\s+[\w<>?,\s\[\]]+?\s+(\w+)\s*\{\s*get;\s*set;\s*\}")]
    private static partial Regex SettableProperty();
}
