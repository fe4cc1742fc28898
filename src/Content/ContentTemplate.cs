using System.Collections.Immutable;
using Fluid;

namespace Lodestar.Content;

/// <summary>One part of a locale version: its Liquid source, the parsed template and the variables it uses.</summary>
public sealed record TemplatePart(string Name, string Source, IFluidTemplate Parsed, TemplateVariables Variables);

/// <summary>One locale of a template, every part parsed once.</summary>
public sealed record TemplateVersion(string Locale, ImmutableSortedDictionary<string, TemplatePart> Parts)
{
    /// <summary>True when some part shows the offer: sending it needs a send node with an offer.</summary>
    public bool UsesOffer => Parts.Values.Any(p => p.Variables.Paths.Any(v => TemplateVariables.Root(v) == "offer"));
}

/// <summary>
/// A template: its id (the folder name, which journeys' send nodes name), its manifest and its locale versions.
/// </summary>
public sealed record ContentTemplate(string Id, TemplateManifest Manifest, ImmutableSortedDictionary<string, TemplateVersion> Versions)
{
    /// <summary>
    /// The version for a customer's locale: the exact locale (zh-CN), else one of the same language (zh-TW → zh-CN,
    /// en-GB → en), else the template's default locale.
    /// </summary>
    public TemplateVersion Resolve(string? locale)
    {
        if (!string.IsNullOrWhiteSpace(locale))
        {
            if (Versions.FirstOrDefault(v => string.Equals(v.Key, locale, StringComparison.OrdinalIgnoreCase)).Value is { } exact)
            {
                return exact;
            }
            var language = Language(locale);
            if (Versions.Where(v => string.Equals(Language(v.Key), language, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(v => v.Key.Length).ThenBy(v => v.Key, StringComparer.Ordinal).FirstOrDefault().Value is { } sameLanguage)
            {
                return sameLanguage;
            }
        }
        return Versions.TryGetValue(Manifest.DefaultLocale, out var fallback) ? fallback : Versions.Values.First();
    }

    private static string Language(string locale) => locale.Split('-', '_')[0];
}
