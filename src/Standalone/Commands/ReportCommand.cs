using System.CommandLine;
using System.Globalization;
using Lodestar.Campaigns;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

/// <summary>
/// <c>report campaign ID [--window 7d] [--currency CNY] [--cost sms=0.045] [--json]</c>: a campaign's metrics in total
/// and per journey, node, segment, channel and A-B branch; <c>report campaigns</c> lists the campaigns with sends. <see cref="Table"/> renders them for the demo summary too.
/// </summary>
internal static class ReportCommand
{
    internal static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Campaign id (the journeys' \"campaign\")" };
        var window = new Option<string?>("--window") { Description = "Attribution window after a send: 7d, 48h, 90m (default 7d)" };
        var currency = new Option<string?>("--currency") { Description = "Currency of revenue and cost (default CNY); orders in others are not attributed" };
        var cost = new Option<string[]>("--cost") { Description = "Cost of one message, channel=amount in major units (repeatable): --cost sms=0.045 --cost email=0.001", AllowMultipleArgumentsPerToken = true };
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var campaign = new Command("campaign", "Sent, delivered, opened, clicked, converted, revenue, cost, CTR, conversion rate and ROI of a campaign")
        {
            id, window, currency, cost, data, json,
        };
        campaign.SetAction(async (parse, ct) =>
        {
            var options = MetricsOptionsParser.Parse(parse.GetValue(window), parse.GetValue(currency), parse.GetValue(cost));
            if (!options.IsValid)
            {
                await ScoreCommand.PrintErrors("invalid options", options.Errors);
                return 2;
            }
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            var metrics = await new CampaignReport(app.Store).ComputeAsync(parse.GetValue(id)!, options.Value!, ct);
            if (metrics.Total.Sent == 0)
            {
                await Console.Error.WriteLineAsync($"no sends are recorded for campaign {parse.GetValue(id)}");
                return 1;
            }
            BenchCommand.Print(metrics, parse.GetValue(json), () =>
            {
                AnsiConsole.Write(Table(metrics));
                return "";
            });
            return 0;
        });
        var listData = CommonOptions.Data();
        var listJson = CommonOptions.Json();
        var campaigns = new Command("campaigns", "The campaigns with recorded sends") { listData, listJson };
        campaigns.SetAction(async (parse, ct) =>
        {
            await using var app = CommonOptions.Open(parse.GetValue(listData)!);
            var list = await app.Store.CampaignsAsync(ct);
            BenchCommand.Print(list.Select(c => new { campaign = c.Campaign, sends = c.Sends }), parse.GetValue(listJson), () =>
            {
                var table = new Table().AddColumns("campaign", "sends");
                foreach (var (name, sends) in list)
                {
                    table.AddRow(Markup.Escape(name), $"{sends:N0}");
                }
                AnsiConsole.Write(table);
                return "";
            });
            return 0;
        });
        return new Command("report", "Reports") { campaign, campaigns };
    }

    /// <summary>The metrics as a table: the total first, then each dimension's rows.</summary>
    public static Table Table(CampaignMetrics metrics)
    {
        var table = new Table()
            .Title($"campaign {Markup.Escape(metrics.Campaign)} · attribution {Window(metrics.AttributionWindow)} · {metrics.Currency}")
            .AddColumns("by", "value", "sent", "delivered", "bounced", "opened", "clicked", "converted", "revenue", "cost", "CTR", "conv.", "ROI");
        foreach (var c in table.Columns.Skip(2))
        {
            c.RightAligned();
        }
        foreach (var row in metrics.Rows.Prepend(metrics.Total))
        {
            table.AddRow(row.Dimension.ToString().ToLowerInvariant(), Markup.Escape(row.Value), $"{row.Sent:N0}", $"{row.Delivered:N0}", $"{row.Bounced:N0}",
                $"{row.Opened:N0}", $"{row.Clicked:N0}", $"{row.Converted:N0}", row.Revenue.ToString("N2", CultureInfo.InvariantCulture),
                row.Cost.ToString("N2", CultureInfo.InvariantCulture), Rate(row.ClickThroughRate), Rate(row.ConversionRate), Rate(row.ReturnOnInvestment));
        }
        return table;
    }

    private static string Rate(double? r) => r is { } x ? x.ToString("P1", CultureInfo.InvariantCulture) : "–";

    private static string Window(TimeSpan w) => w.TotalDays >= 1 && w.TotalDays == Math.Floor(w.TotalDays) ? $"{w.TotalDays:0}d" : $"{w.TotalHours:0.#}h";
}
