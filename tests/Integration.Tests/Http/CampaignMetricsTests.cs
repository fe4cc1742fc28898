using System.Net;
using Lodestar.Campaigns;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Journeys;
using Lodestar.Standalone.Commands;
using Lodestar.Tests.Support;
using Spectre.Console;

namespace Lodestar.Tests.Http;

/// <summary>
/// Campaign metrics over the real SQLite store and endpoint: two sends, one purchase after a send and one before,
/// one delivery report. Every expected number is counted from those five inputs.
/// </summary>
public sealed class CampaignMetricsTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    private const string Campaign = "cr-spring";

    private async Task Seed(CancellationToken ct)
    {
        foreach (var (member, orderId, minutes) in new[] { ("M-cr-1", "cr-o1", 60), ("M-cr-2", "cr-o2", -60) })
        {
            var reply = await host.Client.PostAsync("/api/webhooks/pos", $$"""
                {"orderId":"{{orderId}}","storeId":"S-1","memberId":"{{member}}","timestamp":"{{Samples.Iso(Samples.T0.AddMinutes(minutes))}}",
                 "lines":[{"sku":"TEA-1","name":"Tea","category":"tea","quantity":1,"unitPrice":58}]}
                """);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
        }
        await host.App.Store.RecordSendsAsync(
        [
            new SentMessageRecord("cr-m1", "acs-cr-1", CustomerId.DerivedFrom("member:M-cr-1"), Channel.Sms, "cr-j", Campaign, "sms-node", Samples.T0, Branch: "a"),
            new SentMessageRecord("cr-m2", "acs-cr-2", CustomerId.DerivedFrom("member:M-cr-2"), Channel.Email, "cr-j", Campaign, "email-node", Samples.T0, Branch: "b"),
        ], ct);
        var delivered = await host.Client.PostAsync("/api/webhooks/eventgrid", """
            [{"id":"cr-e1","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","eventTime":"2026-03-01T12:05:00Z","data":{"messageId":"acs-cr-2","status":"Delivered"}}]
            """);
        Assert.Equal(1, (int)delivered.Json["accepted"]!);
    }

    [Fact]
    public async Task GetMetrics_AttributesThePurchaseAfterTheSendAndCountsTheDelivery()
    {
        var ct = TestContext.Current.CancellationToken;
        await Seed(ct);

        var reply = await host.Client.GetReplyAsync($"/api/campaigns/{Campaign}/metrics?window=7d&cost=sms=0.05&cost=email=0.01");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var total = reply.Json["total"]!;
        Assert.Equal(2, (int)total["sent"]!);              // cr-m1, cr-m2
        Assert.Equal(1, (int)total["delivered"]!);         // cr-m2's report
        Assert.Equal(1, (int)total["converted"]!);         // cr-o1, an hour after cr-m1; cr-o2 came before cr-m2
        Assert.Equal(58m, (decimal)total["revenue"]!);     // one tea at 58
        Assert.Equal(0.06m, (decimal)total["cost"]!);      // 0.05 + 0.01
        var branches = reply.Json["rows"]!.AsArray().Where(r => (string)r!["dimension"]! == "branch").ToDictionary(r => (string)r!["value"]!, r => (int)r!["converted"]!);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 0 }, branches);

        Assert.Contains((Campaign, 2L), await host.App.Store.CampaignsAsync(ct));

        // The report command's table shows the same rows.
        var metrics = await new CampaignReport(host.App.Store).ComputeAsync(Campaign, MetricsOptions.Default, ct);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 240;
        console.Write(ReportCommand.Table(metrics));
        Assert.Contains("cr-j/sms-node", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("58.00", text.ToString(), StringComparison.Ordinal);
    }
}
