using System.Collections.Immutable;
using Lodestar.Campaigns;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Journeys;

namespace Lodestar.Tests.Campaigns;

/// <summary>
/// A hand-built campaign: five sends to four customers, reports and purchases chosen so that every expected number can
/// be counted by hand from the lists below (each expectation's comment says which items make it).
/// </summary>
public sealed class CampaignMetricsCalculatorTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CustomerId A = CustomerId.DerivedFrom("member:A");
    private static readonly CustomerId B = CustomerId.DerivedFrom("member:B");
    private static readonly CustomerId C = CustomerId.DerivedFrom("member:C");
    private static readonly CustomerId D = CustomerId.DerivedFrom("member:D");

    private static readonly MetricsOptions Options = new(TimeSpan.FromDays(7), "CNY",
        ImmutableDictionary<Channel, decimal>.Empty.Add(Channel.Sms, 0.05m).Add(Channel.Email, 0.01m));

    private static SentMessageRecord Send(string id, CustomerId customer, Channel channel, string journey, string node, DateTimeOffset at, string? branch, string? segment, string campaign = "spring") =>
        new(id, "p-" + id, customer, channel, journey, campaign, node, at, Branch: branch, Segment: segment);

    private static readonly ImmutableArray<SentMessageRecord> Sends =
    [
        Send("m1", A, Channel.Email, "j1", "n1", T, "a", "champions"),
        Send("m2", B, Channel.Email, "j1", "n1", T, "b", "champions"),
        Send("m3", C, Channel.Sms, "j1", "n2", T.AddHours(1), "a", null),
        Send("m4", D, Channel.Sms, "j2", "n1", T.AddHours(2), null, "at_risk"),
        Send("m5", A, Channel.Sms, "j2", "n1", T.AddDays(3), null, "champions"),
        Send("x1", B, Channel.Email, "j9", "n1", T, null, null, campaign: "other"),
    ];

    private static int _event;

    private static EngagementFact Fact(string message, EngagementKind kind) => new($"eg-{Interlocked.Increment(ref _event)}", message, kind, T.AddHours(5));

    private static readonly ImmutableArray<EngagementFact> Engagements =
    [
        Fact("m1", EngagementKind.Delivered), Fact("m1", EngagementKind.Opened), Fact("m1", EngagementKind.Opened), Fact("m1", EngagementKind.Clicked),
        Fact("m2", EngagementKind.Delivered),
        Fact("m3", EngagementKind.Delivered),
        Fact("m4", EngagementKind.Bounced),
        Fact("x1", EngagementKind.Clicked),
    ];

    private static readonly ImmutableArray<PurchaseFact> Purchases =
    [
        new(A, "o1", T.AddDays(1), 10_000, "CNY"),   // after m1 (A's latest send), inside 7 days → m1, 100.00
        new(A, "o2", T.AddDays(4), 5_000, "CNY"),    // after m5 (T+3d, A's latest) → m5, 50.00
        new(B, "o3", T.AddDays(8), 20_000, "CNY"),   // 8 days after m2: outside the window
        new(C, "o4", T, 4_000, "CNY"),               // before C's only send: not attributed
        new(C, "o5", T.AddHours(2), 3_000, "USD"),   // another currency: not attributed
        new(D, "o6", T.AddDays(1), 7_000, "CNY"),    // after m4 → m4, 70.00
        new(D, "o6", T.AddDays(1), 7_000, "CNY"),    // the same order seen twice counts once
    ];

    private static CampaignMetrics Compute() => CampaignMetricsCalculator.Compute("spring", new CampaignFacts(Sends, Engagements, Purchases), Options);

    [Fact]
    public void Compute_Total_CountsEachMessageOncePerStageAndAttributesLastTouchWithinTheWindow()
    {
        var total = Compute().Total;

        Assert.Equal(5, total.Sent);            // m1..m5; x1 is another campaign
        Assert.Equal(3, total.Delivered);       // m1, m2, m3
        Assert.Equal(1, total.Bounced);         // m4
        Assert.Equal(1, total.Opened);          // m1, opened twice
        Assert.Equal(1, total.Clicked);         // m1; x1's click is another campaign's
        Assert.Equal(3, total.Converted);       // m1 (o1), m5 (o2), m4 (o6)
        Assert.Equal(220.00m, total.Revenue);   // 100 + 50 + 70
        Assert.Equal(0.17m, total.Cost);        // 2 emails × 0.01 + 3 SMS × 0.05
        Assert.Equal(1.0 / 3, total.ClickThroughRate!.Value, 9);
        Assert.Equal(3.0 / 5, total.ConversionRate!.Value, 9);
        Assert.Equal((double)((220m - 0.17m) / 0.17m), total.ReturnOnInvestment!.Value, 9);
    }

    [Fact]
    public void Compute_ByChannel_SplitsSendsRevenueAndCost()
    {
        var rows = Compute().By(MetricsDimension.Channel).ToDictionary(r => r.Value);

        Assert.Equal(["email", "sms"], rows.Keys.Order());
        Assert.Equal((2L, 2L, 1L, 1L, 1L, 100m, 0.02m), (rows["email"].Sent, rows["email"].Delivered, rows["email"].Opened, rows["email"].Clicked, rows["email"].Converted, rows["email"].Revenue, rows["email"].Cost));
        Assert.Equal((3L, 1L, 1L, 2L, 120m, 0.15m), (rows["sms"].Sent, rows["sms"].Delivered, rows["sms"].Bounced, rows["sms"].Converted, rows["sms"].Revenue, rows["sms"].Cost));
    }

    [Fact]
    public void Compute_ByBranchNodeAndSegment_GroupsEachSendOnce()
    {
        var metrics = Compute();
        var branch = metrics.By(MetricsDimension.Branch).ToDictionary(r => r.Value);
        var node = metrics.By(MetricsDimension.Node).ToDictionary(r => r.Value);
        var segment = metrics.By(MetricsDimension.Segment).ToDictionary(r => r.Value);

        Assert.Equal((2L, 1L, 100m), (branch["a"].Sent, branch["a"].Converted, branch["a"].Revenue));                  // m1, m3
        Assert.Equal((1L, 0L, 0m), (branch["b"].Sent, branch["b"].Converted, branch["b"].Revenue));                     // m2
        Assert.Equal((2L, 2L, 120m), (branch["(none)"].Sent, branch["(none)"].Converted, branch["(none)"].Revenue));    // m4, m5
        Assert.Equal((2L, 1L, 1L), (node["j1/n1"].Sent, node["j1/n1"].Clicked, node["j1/n1"].Converted));              // m1, m2
        Assert.Equal((1L, 0L), (node["j1/n2"].Sent, node["j1/n2"].Converted));                                          // m3
        Assert.Equal((2L, 1L, 120m), (node["j2/n1"].Sent, node["j2/n1"].Bounced, node["j2/n1"].Revenue));              // m4, m5
        Assert.Equal((3L, 150m), (segment["champions"].Sent, segment["champions"].Revenue));                            // m1, m2, m5
        Assert.Equal((1L, 70m), (segment["at_risk"].Sent, segment["at_risk"].Revenue));                                 // m4
        Assert.Equal((1L, 0m), (segment["(none)"].Sent, segment["(none)"].Revenue));                                    // m3
        Assert.All(metrics.Rows.GroupBy(r => r.Dimension), g => Assert.Equal(metrics.Total.Sent, g.Sum(r => r.Sent)));
    }

    [Fact]
    public void Compute_ClickWithoutOpenOrDeliveryReport_CountsDownTheFunnel()
    {
        var facts = new CampaignFacts([Send("m1", A, Channel.Email, "j1", "n1", T, null, null)], [Fact("m1", EngagementKind.Clicked)], []);

        var total = CampaignMetricsCalculator.Compute("spring", facts, Options).Total;

        Assert.Equal((1L, 1L, 1L), (total.Delivered, total.Opened, total.Clicked));
    }

    [Fact]
    public void Compute_NoCostConfiguredAndNoDeliveryReports_LeavesRoiAndCtrUndefined()
    {
        var facts = new CampaignFacts([Send("m1", A, Channel.Sms, "j1", "n1", T, null, null)], [], [new PurchaseFact(A, "o1", T.AddHours(1), 990, "CNY")]);

        var total = CampaignMetricsCalculator.Compute("spring", facts, MetricsOptions.Default).Total;

        Assert.Null(total.ReturnOnInvestment);
        Assert.Null(total.ClickThroughRate);
        Assert.Equal(9.90m, total.Revenue);
        Assert.Equal(1.0, total.ConversionRate);
    }
}
