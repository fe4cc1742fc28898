using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Identity;

namespace Lodestar.Standalone.Bench;

/// <summary>Clean, realistic-shaped events for throughput benchmarks (seeded): views, cart adds, orders, identifies.</summary>
internal static class BenchEvents
{
    private static readonly string[] Names = ["Product Viewed", "Product Added", "Products Searched", "Checkout Started", "Coupon Applied"];
    private static readonly string[] Categories = ["apparel", "beauty", "electronics", "home", "food", "sports"];

    /// <summary>
    /// <paramref name="count"/> events in time order. With <paramref name="sessions"/> they come as real traffic does, in
    /// visits of 3–15 events by one customer a few seconds to minutes apart; without, every event picks a customer at
    /// random (the worst case for the profile store: nearly every event touches a different profile).
    /// </summary>
    public static IReadOnlyList<RawEvent> Raw(int count, int customers, DateTimeOffset end, int seed = 42, string prefix = "b", bool sessions = true)
    {
        var random = new Random(seed);
        var list = new List<RawEvent>(count);
        while (list.Count < count)
        {
            var c = random.Next(customers);
            var at = end.AddSeconds(-random.Next(3_600, 180 * 86_400));
            var visit = sessions ? random.Next(3, 16) : 1;
            for (var j = 0; j < visit && list.Count < count; j++)
            {
                at = at.AddSeconds(random.Next(5, 120));
                list.Add(Event(random, list.Count, c, at, seed, prefix));
            }
        }
        list.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return list;
    }

    private static RawEvent Event(Random random, int i, int c, DateTimeOffset at, int seed, string prefix)
    {
        var kind = random.Next(10);
        var ids = ImmutableArray.Create(new RawIdentifier(IdKind.Member, $"m{c:D7}"));
        return new RawEvent
        {
            MessageId = $"{prefix}-{seed}-{i}",
            Type = kind < 3 ? EventType.Page : EventType.Track,
            Name = kind < 3 ? "Product Detail" : Names[kind % Names.Length],
            Source = kind % 2 == 0 ? "web" : "app",
            Ids = kind == 9 ? ids.Add(new RawIdentifier(IdKind.Phone, Phone(c))) : ids,
            Timestamp = at,
            Properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, JsonElement>
            {
                ["sku"] = JsonSerializer.SerializeToElement($"sku-{random.Next(5_000)}"),
                ["category"] = JsonSerializer.SerializeToElement(Categories[random.Next(Categories.Length)]),
                ["price"] = JsonSerializer.SerializeToElement(Math.Round(random.NextDouble() * 500, 2)),
                ["dwellSeconds"] = JsonSerializer.SerializeToElement(random.Next(5, 300)),
            }),
        };
    }

    /// <summary>Valid mainland mobile numbers derived from the customer number (not repeated or sequential).</summary>
    public static string Phone(int customer) => "139" + (10_000_000 + (customer * 7_919L % 89_999_999)).ToString(CultureInfo.InvariantCulture);

    /// <summary>The same event as a Segment track/page JSON body.</summary>
    public static string SegmentJson(RawEvent e)
    {
        var member = e.Ids.First(i => i.Kind == IdKind.Member).Value;
        var body = new Dictionary<string, object?>
        {
            ["type"] = e.Type == EventType.Page ? "page" : "track",
            ["messageId"] = e.MessageId,
            ["userId"] = member,
            [e.Type == EventType.Page ? "name" : "event"] = e.Name,
            ["timestamp"] = e.Timestamp.ToString("O", CultureInfo.InvariantCulture),
            ["properties"] = e.Properties,
        };
        if (e.Ids.FirstOrDefault(i => i.Kind == IdKind.Phone) is { } phone)
        {
            body["context"] = new Dictionary<string, object> { ["traits"] = new Dictionary<string, string> { ["phone"] = phone.Value } };
        }
        return JsonSerializer.Serialize(body);
    }
}
