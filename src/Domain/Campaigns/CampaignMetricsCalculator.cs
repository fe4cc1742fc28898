using System.Collections.Immutable;
using Lodestar.Engagement;
using Lodestar.Journeys;
using Lodestar.Sources;

namespace Lodestar.Campaigns;

/// <summary>
/// Campaign metrics, pure. Each message counts once per stage (delivered, bounced, opened, clicked, unsubscribed),
/// whatever the number of reports. A purchase is attributed last-touch: to the customer's latest send of the
/// campaign at or before it, if that send is at most the attribution window older; each purchase counts once, and a
/// message with at least one attributed purchase is converted. Cost is the per-message cost of its channel.
/// </summary>
public static class CampaignMetricsCalculator
{
    public const string None = "(none)";

    public static CampaignMetrics Compute(string campaign, CampaignFacts facts, MetricsOptions options)
    {
        var sends = facts.Sends.Where(s => s.Campaign == campaign).GroupBy(s => s.MessageId, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var stages = new Dictionary<string, HashSet<EngagementKind>>(StringComparer.Ordinal);
        foreach (var f in facts.Engagements)
        {
            if (!stages.TryGetValue(f.MessageId, out var set))
            {
                stages[f.MessageId] = set = [];
            }
            set.Add(f.Kind);
        }
        // Opens imply delivery, clicks imply an open: providers report them independently, and a lost report must not
        // make the funnel go up.
        foreach (var set in stages.Values)
        {
            if (set.Contains(EngagementKind.Clicked))
            {
                set.Add(EngagementKind.Opened);
            }
            if (set.Contains(EngagementKind.Opened))
            {
                set.Add(EngagementKind.Delivered);
            }
        }

        var revenue = new Dictionary<string, long>(StringComparer.Ordinal);
        var byCustomer = sends.GroupBy(s => s.Customer).ToDictionary(g => g.Key, g => g.OrderBy(s => s.SentAt).ToList());
        foreach (var order in facts.Purchases.Where(p => string.Equals(p.Currency, options.Currency, StringComparison.OrdinalIgnoreCase))
                     .GroupBy(p => (p.Customer, p.OrderId)).Select(g => g.First()))
        {
            if (!byCustomer.TryGetValue(order.Customer, out var theirs))
            {
                continue;
            }
            var touch = theirs.LastOrDefault(s => s.SentAt <= order.At);
            if (touch is not null && order.At - touch.SentAt <= options.AttributionWindow)
            {
                revenue[touch.MessageId] = revenue.GetValueOrDefault(touch.MessageId) + order.AmountMinor;
            }
        }

        var exponent = Money.Exponent(options.Currency);
        var unit = exponent switch { 0 => 1m, 3 => 1000m, _ => 100m };
        MetricsRow Row(MetricsDimension dimension, string value, IReadOnlyCollection<SentMessageRecord> group)
        {
            long Count(EngagementKind kind) => group.Count(s => stages.TryGetValue(s.MessageId, out var set) && set.Contains(kind));
            return new MetricsRow(dimension, value, group.Count, Count(EngagementKind.Delivered), Count(EngagementKind.Bounced),
                Count(EngagementKind.Opened), Count(EngagementKind.Clicked), Count(EngagementKind.Unsubscribed),
                group.Count(s => revenue.ContainsKey(s.MessageId)),
                group.Sum(s => revenue.GetValueOrDefault(s.MessageId)) / unit,
                group.Sum(s => options.CostOf(s.Channel)));
        }

        var rows = ImmutableArray.CreateBuilder<MetricsRow>();
        foreach (var (dimension, key) in new (MetricsDimension, Func<SentMessageRecord, string>)[]
        {
            (MetricsDimension.Journey, s => s.JourneyId),
            (MetricsDimension.Node, s => $"{s.JourneyId}/{s.Node}"),
            (MetricsDimension.Segment, s => s.Segment ?? None),
            (MetricsDimension.Channel, s => s.Channel.Name()),
            (MetricsDimension.Branch, s => s.Branch ?? None),
        })
        {
            foreach (var g in sends.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                rows.Add(Row(dimension, g.Key, [.. g]));
            }
        }
        return new CampaignMetrics(campaign, options.Currency.ToUpperInvariant(), options.AttributionWindow, Row(MetricsDimension.Campaign, campaign, sends), rows.ToImmutable());
    }
}
