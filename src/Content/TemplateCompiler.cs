using Fluid;
using System.Collections.Immutable;
using Lodestar.Journeys;

namespace Lodestar.Content;

/// <summary>
/// Parses a locale version's parts and checks them statically: the channel's parts present and no others, Liquid that
/// parses, only known variables (<see cref="ModelSchema"/>) and filters, an unsubscribe link in marketing email, no
/// banned word in the copy. Human files and AI variants both come through here.
/// </summary>
public static class TemplateCompiler
{
    public static (TemplateVersion? Version, IReadOnlyList<ContentProblem> Problems) Compile(
        string id, TemplateManifest manifest, string locale, IEnumerable<KeyValuePair<string, string>> sources, ContentRules rules)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<ContentProblem>();
        void Add(string part, string message) => problems.Add(new ContentProblem(id, locale, part, message));

        var parts = ImmutableSortedDictionary.CreateBuilder<string, TemplatePart>(StringComparer.Ordinal);
        foreach (var (name, source) in sources)
        {
            if (!ChannelParts.IsAllowed(manifest.Channel, name))
            {
                Add(name, $"a {manifest.Channel.Name()} template has no part '{name}' (parts: {string.Join(", ", ChannelParts.Required(manifest.Channel))}{(manifest.Channel == Channel.MiniProgram ? ", page, data.KEY" : "")})");
                continue;
            }
            if (!Liquid.Parser.TryParse(source, out var parsed, out var error))
            {
                Add(name, $"Liquid does not parse: {error}");
                continue;
            }
            var variables = TemplateVariables.Of(parsed);
            foreach (var path in variables.Paths.Where(p => !ModelSchema.IsKnown(p)).Order(StringComparer.Ordinal))
            {
                Add(name, $"unknown variable '{path}'");
            }
            foreach (var filter in variables.Filters.Where(f => !Liquid.IsKnownFilter(f)).Order(StringComparer.Ordinal))
            {
                Add(name, $"unknown filter '{filter}'");
            }
            if (rules.FindBanned(source) is { } word)
            {
                Add(name, $"contains the banned word \"{word}\"");
            }
            parts[name] = new TemplatePart(name, source, parsed, variables);
        }
        foreach (var required in ChannelParts.Required(manifest.Channel).Where(r => !sources.Any(s => s.Key == r)))
        {
            Add(required, $"missing part '{required}'");
        }
        if (manifest.Channel == Channel.MiniProgram && !sources.Any(s => s.Key.StartsWith(ChannelParts.DataPrefix, StringComparison.Ordinal)))
        {
            Add("data", "a subscribe message needs at least one data.KEY part");
        }
        if (manifest.Channel == Channel.Email && manifest.Marketing)
        {
            foreach (var part in new[] { "html", "text" }.Where(p => parts.TryGetValue(p, out var t) && !t.Variables.Paths.Contains("links.unsubscribe")))
            {
                Add(part, "a marketing email must show {{ links.unsubscribe }}");
            }
        }
        return problems.Count > 0 ? (null, problems) : (new TemplateVersion(locale, parts.ToImmutable()), problems);
    }
}
