using System.Collections.Immutable;
using Lodestar.Identity;
using Lodestar.Profiles;

namespace Lodestar.Content;

/// <summary>
/// What a template may show of a customer. Phone and email are the profile's masked display forms (the profile never
/// holds raw values) and the name is the masked trait, so a rendered message cannot leak more than the profile view.
/// </summary>
public sealed record CustomerView(
    string Id,
    string? Name = null,
    string? Phone = null,
    string? Email = null,
    string? Tier = null,
    string? Segment = null,
    ImmutableSortedDictionary<string, string>? Tags = null);

/// <summary>The offer a send node carries (<c>CART-10</c>) and the code the customer types or scans.</summary>
public sealed record OfferView(string Id, string Code);

/// <summary>Links a message may carry: the channel's unsubscribe link (built by the sender) and the shop's page.</summary>
public sealed record LinkView(string? Unsubscribe = null, string? Shop = null);

/// <summary>
/// The model a template renders with (its members are listed in <see cref="ModelSchema"/>). <see cref="Locale"/> is
/// the customer's preferred locale; the renderer falls back to the template's default when it has no such version.
/// </summary>
public sealed record MessageModel
{
    public const string TierTag = "tier";
    public const string SegmentTag = "rfm_segment";
    public const string LocaleTrait = "locale";

    public required CustomerView Customer { get; init; }
    public OfferView? Offer { get; init; }
    public ImmutableArray<string> Products { get; init; } = [];
    public LinkView Links { get; init; } = new();
    public string Brand { get; init; } = "Lodestar";
    public string? Locale { get; init; }

    /// <summary>
    /// A profile as a template sees it: the masked name trait, the first masked phone and email, the tier and RFM
    /// segment tags, every tag's value, and the locale trait if the customer has one.
    /// </summary>
    public static MessageModel FromProfile(Profile profile, OfferView? offer = null, IEnumerable<string>? products = null, LinkView? links = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var tags = profile.Tags.ToImmutableSortedDictionary(t => t.Key, t => t.Value.Value, StringComparer.Ordinal);
        return new MessageModel
        {
            Customer = new CustomerView(
                profile.Id.Value,
                profile.Traits.GetValueOrDefault("name"),
                profile.Identities.FirstOrDefault(i => i.Kind == IdKind.Phone)?.Display,
                profile.Identities.FirstOrDefault(i => i.Kind == IdKind.Email)?.Display,
                tags.GetValueOrDefault(TierTag),
                tags.GetValueOrDefault(SegmentTag),
                tags),
            Offer = offer,
            Products = products is null ? [] : [.. products],
            Links = links ?? new LinkView(),
            Locale = profile.Traits.GetValueOrDefault(LocaleTrait),
        };
    }

    /// <summary>The model as Liquid values: nested dictionaries and lists, every member present (nil when unknown).</summary>
    internal Dictionary<string, object?> ToLiquid(string locale) => new(StringComparer.Ordinal)
    {
        ["locale"] = locale,
        ["brand"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = Brand },
        ["customer"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = Customer.Id,
            ["name"] = Customer.Name,
            ["phone"] = Customer.Phone,
            ["email"] = Customer.Email,
            ["tier"] = Customer.Tier,
            ["segment"] = Customer.Segment,
            ["tags"] = (Customer.Tags ?? ImmutableSortedDictionary<string, string>.Empty).ToDictionary(t => t.Key, t => (object?)t.Value, StringComparer.Ordinal),
        },
        ["offer"] = Offer is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = Offer.Id, ["code"] = Offer.Code },
        ["products"] = Products.ToList(),
        ["links"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["unsubscribe"] = Links.Unsubscribe, ["shop"] = Links.Shop },
    };
}
