using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Lodestar.Content;

namespace Lodestar.Adapters.OpenAI;

/// <summary>
/// Everything a prompt may say about its audience: segment, tier, tag names and product names, and the locale. There
/// is no field for a phone, an email or a name, so a prompt cannot carry one by construction; the factory also refuses
/// values that look like contact details or masked forms (an <c>@</c>, a run of 7 digits, a <c>*</c>), in case a caller
/// passes one where a tag or product name belongs. A brief describes a segment, not a customer: it is what the cache
/// keys on.
/// </summary>
public sealed partial record CopyBrief
{
    private CopyBrief(string segment, string tier, ImmutableArray<string> tags, ImmutableArray<string> products, string locale)
    {
        Segment = segment;
        Tier = tier;
        Tags = tags;
        Products = products;
        Locale = locale;
    }

    public string Segment { get; }
    public string Tier { get; }
    public ImmutableArray<string> Tags { get; }
    public ImmutableArray<string> Products { get; }
    public string Locale { get; }

    [GeneratedRegex(@"@|\*|\d{7}", RegexOptions.CultureInvariant)]
    private static partial Regex ContactLike();

    /// <exception cref="ArgumentException">A value is empty or looks like a contact detail.</exception>
    public static CopyBrief Create(string segment, string tier, IEnumerable<string>? tags, IEnumerable<string>? products, string locale)
    {
        var tagList = (tags ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        var productList = (products ?? []).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).Distinct(StringComparer.Ordinal).ToImmutableArray();
        foreach (var (name, value) in new[] { ("segment", segment), ("tier", tier), ("locale", locale) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"a copy brief needs a {name}", name);
            }
        }
        foreach (var value in new[] { segment, tier, locale }.Concat(tagList).Concat(productList))
        {
            if (ContactLike().IsMatch(value))
            {
                throw new ArgumentException("a copy brief holds segment, tier, tag and product names only: a value looks like a contact detail", nameof(tags));
            }
        }
        return new CopyBrief(segment.Trim(), tier.Trim(), tagList, productList, locale.Trim());
    }

    /// <summary>
    /// The brief for the segment a message model's customer belongs to: the tier and RFM segment tags, the names of the
    /// customer's tags (never their values, never the masked contact details or name) and the product names.
    /// </summary>
    public static CopyBrief FromModel(MessageModel model, string locale)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(
            model.Customer.Segment ?? "all",
            model.Customer.Tier ?? "unknown",
            model.Customer.Tags?.Keys.Where(k => k is not MessageModel.TierTag and not MessageModel.SegmentTag),
            model.Products,
            locale);
    }
}
