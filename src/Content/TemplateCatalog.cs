using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Lodestar.Content;

/// <summary>
/// Every template of a folder, loaded, parsed and checked once. The folder holds one sub-folder per template id with a
/// <c>template.json</c> manifest and one <c>LOCALE.liquid</c> file per locale (docs/templates.md), and an optional
/// <c>banned-words.txt</c>. Loading never throws for bad content: each template's problems are listed (publish-time
/// validation), and a template with problems is known (journeys may name it) but does not render.
/// </summary>
public sealed partial class TemplateCatalog
{
    public const string LiquidExtension = ".liquid";

    private readonly ImmutableSortedDictionary<string, ContentTemplate> _templates;
    private readonly ImmutableDictionary<string, ImmutableArray<ContentProblem>> _problems;

    private TemplateCatalog(string folder, ImmutableSortedDictionary<string, ContentTemplate> templates, ImmutableArray<string> ids,
        ImmutableArray<ContentProblem> problems, ContentRules rules)
    {
        Folder = folder;
        _templates = templates;
        KnownIds = ids.ToImmutableSortedSet(StringComparer.Ordinal);
        Problems = problems;
        _problems = problems.GroupBy(p => p.Template, StringComparer.Ordinal).ToImmutableDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal);
        Rules = rules;
    }

    public string Folder { get; }

    /// <summary>Every template id in the folder, valid or not: the list <c>journey validate</c> checks send nodes against.</summary>
    public IReadOnlySet<string> KnownIds { get; }

    /// <summary>All problems found at load, template by template.</summary>
    public ImmutableArray<ContentProblem> Problems { get; }

    public ContentRules Rules { get; }

    public IEnumerable<ContentTemplate> Templates => _templates.Values;

    public ContentTemplate? Find(string id) => _templates.GetValueOrDefault(id);

    /// <summary>The problems of one template (empty when it is fine, or unknown).</summary>
    public IReadOnlyList<ContentProblem> ProblemsFor(string id) => _problems.TryGetValue(id, out var p) ? p : [];

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LocalePattern();

    public static TemplateCatalog Load(string folder, ContentRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"no template folder {folder}");
        }
        rules ??= new ContentRules();
        var banned = Path.Combine(folder, ContentRules.BannedWordsFile);
        if (File.Exists(banned))
        {
            rules = rules with { BannedWords = [.. rules.BannedWords, .. ContentRules.ParseBannedWords(File.ReadAllText(banned))] };
        }
        var templates = ImmutableSortedDictionary.CreateBuilder<string, ContentTemplate>(StringComparer.Ordinal);
        var ids = ImmutableArray.CreateBuilder<string>();
        var problems = ImmutableArray.CreateBuilder<ContentProblem>();
        foreach (var dir in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileName(dir);
            var manifestPath = Path.Combine(dir, TemplateManifest.FileName);
            if (!File.Exists(manifestPath))
            {
                continue;
            }
            ids.Add(id);
            var (template, found) = LoadOne(id, dir, manifestPath, rules);
            problems.AddRange(found);
            if (template is not null)
            {
                templates[id] = template;
            }
        }
        return new TemplateCatalog(Path.GetFullPath(folder), templates.ToImmutable(), ids.ToImmutable(), problems.ToImmutable(), rules);
    }

    private static (ContentTemplate? Template, List<ContentProblem> Problems) LoadOne(string id, string dir, string manifestPath, ContentRules rules)
    {
        var problems = new List<ContentProblem>();
        if (!IdPattern().IsMatch(id))
        {
            problems.Add(new ContentProblem(id, null, "", "a template id is lower-case letters and digits in dash-separated words"));
        }
        var (manifest, errors) = TemplateManifest.Parse(File.ReadAllText(manifestPath));
        problems.AddRange(errors.Select(e => new ContentProblem(id, null, "", e)));
        if (manifest is null)
        {
            return (null, problems);
        }
        var versions = ImmutableSortedDictionary.CreateBuilder<string, TemplateVersion>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(dir, "*" + LiquidExtension).Order(StringComparer.Ordinal))
        {
            var locale = Path.GetFileNameWithoutExtension(file);
            if (!LocalePattern().IsMatch(locale))
            {
                problems.Add(new ContentProblem(id, locale, "", "a locale file is named LOCALE.liquid (zh-CN.liquid, en.liquid)"));
                continue;
            }
            var (parts, splitErrors) = TemplateSource.Split(File.ReadAllText(file));
            problems.AddRange(splitErrors.Select(e => new ContentProblem(id, locale, "", e)));
            var (version, found) = TemplateCompiler.Compile(id, manifest, locale, parts, rules);
            problems.AddRange(found);
            if (version is not null && splitErrors.Count == 0)
            {
                versions[locale] = version;
            }
        }
        if (!File.Exists(Path.Combine(dir, manifest.DefaultLocale + LiquidExtension)))
        {
            problems.Add(new ContentProblem(id, manifest.DefaultLocale, "", $"the default locale has no file {manifest.DefaultLocale}{LiquidExtension}"));
        }
        if (versions.Count == 0)
        {
            return (null, problems);
        }
        var template = new ContentTemplate(id, manifest, versions.ToImmutable());
        // Publish-time render: every locale with its sample customer, so limits are checked before any real send.
        foreach (var version in template.Versions.Values)
        {
            problems.AddRange(MessageRenderer.Render(template, version, SampleModels.For(version.Locale), rules).Problems);
        }
        return (template, problems);
    }

    /// <summary>
    /// The template folder: <paramref name="configured"/> if given, else the nearest <c>templates</c> folder
    /// holding a template, from <paramref name="start"/> upwards (the repo root's, when run from a checkout).
    /// </summary>
    public static string? Locate(string start, string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "templates");
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, TemplateManifest.FileName, SearchOption.AllDirectories).Any())
            {
                return candidate;
            }
        }
        return null;
    }
}
