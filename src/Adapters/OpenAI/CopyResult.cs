using System.Collections.Immutable;
using Lodestar.Content;

namespace Lodestar.Adapters.OpenAI;

/// <summary>Where a result's variants came from.</summary>
public enum CopySource
{
    /// <summary>Written by the model just now and passed every check.</summary>
    Generated = 0,

    /// <summary>Written by the model earlier for the same template, segment, tier and locale.</summary>
    Cached = 1,

    /// <summary>The human-written template: the model failed, timed out, or every variant was rejected.</summary>
    Template = 2,
}

/// <summary>One usable version of the copy: a full template version (AI parts swapped in) and the parts that changed.</summary>
public sealed record CopyVariant(TemplateVersion Version, ImmutableSortedDictionary<string, string> CopyParts);

/// <summary>
/// The variants to choose from (never empty: on any failure it holds the human template alone), where they came from,
/// and why variants were rejected or the template was used.
/// </summary>
public sealed record CopyResult(
    string Template,
    string Locale,
    CopySource Source,
    ImmutableArray<CopyVariant> Variants,
    ImmutableArray<string> Rejected,
    string? FallbackReason = null)
{
    /// <summary>The human-written copy of a template's version for <paramref name="locale"/>, and why it is used.</summary>
    public static CopyResult FromTemplate(ContentTemplate template, string? locale, string reason, ImmutableArray<string> rejected = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        var version = template.Resolve(locale);
        var human = ChannelParts.Copy(template.Manifest.Channel).Where(version.Parts.ContainsKey)
            .ToImmutableSortedDictionary(p => p, p => version.Parts[p].Source, StringComparer.Ordinal);
        return new CopyResult(template.Id, version.Locale, CopySource.Template, [new CopyVariant(version, human)], rejected.IsDefault ? [] : rejected, reason);
    }
}
