using System.Collections.Immutable;
using Lodestar.Journeys;

namespace Lodestar.Campaigns;

/// <summary>The groupings a campaign's metrics are broken down by.</summary>
public enum MetricsDimension
{
    Campaign = 0,
    Journey = 1,
    /// <summary>Journey and node, "journey/node".</summary>
    Node = 2,
    /// <summary>The customer's RFM segment at send time ("(none)" when unscored).</summary>
    Segment = 3,
    Channel = 4,
    /// <summary>The A-B arm of a random split ("(none)" outside experiments).</summary>
    Branch = 5,
}

/// <summary>
/// One row of campaign metrics. Counts are distinct messages (a message opened three times counts once). Revenue is
/// what the attributed purchases paid, cost what the messages cost, both in major units of the report's currency.
/// </summary>
public sealed record MetricsRow(
    MetricsDimension Dimension,
    string Value,
    long Sent,
    long Delivered,
    long Bounced,
    long Opened,
    long Clicked,
    long Unsubscribed,
    long Converted,
    decimal Revenue,
    decimal Cost)
{
    /// <summary>Clicked / delivered; null before any delivery report (channels without reports, the outbox sender).</summary>
    public double? ClickThroughRate => Delivered > 0 ? (double)Clicked / Delivered : null;

    /// <summary>Converted / sent: the share of messages followed by an attributed purchase.</summary>
    public double? ConversionRate => Sent > 0 ? (double)Converted / Sent : null;

    /// <summary>(revenue − cost) / cost; null when the messages cost nothing (no cost configured).</summary>
    public double? ReturnOnInvestment => Cost > 0 ? (double)((Revenue - Cost) / Cost) : null;
}

/// <summary>
/// How metrics are computed: the attribution window after a send (a purchase within it is credited to the customer's
/// latest earlier send of the campaign), the currency revenue and cost are reported in (orders in another currency are
/// not attributed), and the cost of one message per channel in major units.
/// </summary>
public sealed record MetricsOptions(TimeSpan AttributionWindow, string Currency, ImmutableDictionary<Channel, decimal> CostPerMessage)
{
    /// <summary>Seven days, the horizon of the conversion propensity model; CNY; no cost until one is configured.</summary>
    public static readonly MetricsOptions Default = new(TimeSpan.FromDays(7), "CNY", ImmutableDictionary<Channel, decimal>.Empty);

    public decimal CostOf(Channel channel) => CostPerMessage.TryGetValue(channel, out var c) ? c : 0m;
}

/// <summary>A campaign's metrics: the total and one row per value of each dimension.</summary>
public sealed record CampaignMetrics(string Campaign, string Currency, TimeSpan AttributionWindow, MetricsRow Total, ImmutableArray<MetricsRow> Rows)
{
    public IEnumerable<MetricsRow> By(MetricsDimension dimension) => Rows.Where(r => r.Dimension == dimension);
}
