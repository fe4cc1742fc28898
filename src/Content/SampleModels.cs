using System.Collections.Immutable;

namespace Lodestar.Content;

/// <summary>
/// Made-up customers for previews and publish-time checks, one per locale, with every member filled so that a
/// template's longest branch is the one measured. Their phone and email are already masked, like a profile's.
/// </summary>
public static class SampleModels
{
    public static MessageModel For(string locale, string? offerId = null)
    {
        var zh = locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var offer = offerId ?? "SAMPLE-10";
        return new MessageModel
        {
            Customer = new CustomerView(
                "c_0123456789abcdef",
                zh ? "王*" : "A*** L*",
                "138****5678",
                "a***@example.com",
                "active",
                "Loyal Customers",
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
                    new KeyValuePair<string, string>("tier", "active"),
                    new KeyValuePair<string, string>("rfm_segment", "Loyal Customers"),
                    new KeyValuePair<string, string>("price_sensitive", "true"),
                ])),
            Offer = new OfferView(offer, offer),
            Products = zh ? ["羊毛围巾", "真丝枕套"] : ["Wool scarf", "Silk pillowcase"],
            Links = new LinkView("https://shop.example.com/u/sample", "https://shop.example.com/"),
            Locale = locale,
        };
    }
}
