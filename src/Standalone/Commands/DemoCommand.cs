using System.CommandLine;
using System.Globalization;
using Lodestar.Jobs;
using Lodestar.Simulation;
using Lodestar.Standalone.Demo;
using Lodestar.Standalone.Hosting;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder of the demo store (its store is replaced on every run)", DefaultValueFactory = _ => "./.lodestar/demo" };
        var customers = new Option<int>("--customers") { Description = "Customers in the synthetic shop", DefaultValueFactory = _ => 3_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic shop", DefaultValueFactory = _ => 1 };
        var json = CommonOptions.Json();
        var command = new Command("demo", "Generate a synthetic shop (web, app, mini-program, POS, service; some dirty records), push it through the HTTP API of an in-process host, and summarise") { data, customers, seed, json };
        command.SetAction(async (parse, ct) =>
        {
            var folder = new DataFolder(parse.GetValue(data)!);
            foreach (var file in Directory.GetFiles(folder.Root, "lodestar.db*"))
            {
                File.Delete(file);
            }
            await using var app = CommonOptions.Open(folder.Root);
            await using var web = WebHost.Build(app, "http://127.0.0.1:0");
            await web.StartAsync(ct);
            var shop = SyntheticShop.Generate(new SyntheticShopOptions { Customers = parse.GetValue(customers), Seed = parse.GetValue(seed), End = StartOfDay(app.Time.GetUtcNow()) });
            var run = new DemoRun(app, new Uri(web.Urls.First()));
            DemoSummary summary;
            if (parse.GetValue(json))
            {
                summary = await run.RunAsync(shop, null, null, ct);
            }
            else
            {
                AnsiConsole.MarkupLine($"Synthetic shop: [bold]{shop.Options.Customers:N0}[/] customers, [bold]{shop.Records.Length:N0}[/] records over {shop.Options.Months} months (seed {shop.Options.Seed}); API at {web.Urls.First()}");
                summary = await AnsiConsole.Progress().AutoClear(true).StartAsync(async p =>
                {
                    var task = p.AddTask("sending through the HTTP API", maxValue: 1.0);
                    var jobs = p.AddTask("daily and monthly runs", autoStart: false).IsIndeterminate();
                    var status = new Progress<string>(step =>
                    {
                        task.Value = task.MaxValue;
                        jobs.StartTask();
                        jobs.Description = Markup.Escape(step);
                    });
                    return await run.RunAsync(shop, new Progress<double>(f => task.Value = f), status, ct);
                });
            }
            await web.StopAsync(ct);
            BenchCommand.Print(summary, parse.GetValue(json), () => Text(summary));
            return 0;
        });
        return command;
    }

    /// <summary>The shop ends at the start of today (UTC), so a seed gives the same shop all day long.</summary>
    private static DateTimeOffset StartOfDay(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>Tags whose value is each customer's own number: their distribution says nothing; the runs' section sums them up.</summary>
    private static readonly HashSet<string> PerCustomerNumbers = new(StringComparer.Ordinal) { JobTags.Clv, JobTags.ProbabilityAlive, JobTags.ChurnScore };

    /// <summary>The runs' steps, then what they left on the profiles: tiers, RFM segments, the churn-risk list.</summary>
    private static IEnumerable<string> Runs(DemoSummary s)
    {
        var lines = new List<string>();
        foreach (var run in s.Runs)
        {
            lines.Add(F($"{run.Kind} run for {run.Period} (as of {run.AsOf.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm} +08:00):"));
            lines.AddRange(run.Steps.Select(step => F($"  {step.Step,-13} {step.Seconds,5:0.0} s  {(step.Skipped ? "done before" : step.Outcome)}")));
        }
        lines.Add(F($"Both runs and the read-back took {s.RunSeconds:N1} s."));
        lines.Add("");
        lines.Add("Lifecycle tiers (share of all profiles):");
        lines.AddRange(s.TierShares.Select(t => F($"  {t.Name,-12} {t.Customers,7:N0}  {t.Share,6:0.0%}")));
        lines.Add("Top RFM segments (customers, spend net of refunds):");
        lines.AddRange(s.RfmSegments.Take(5).Select(r => F($"  {r.Name,-20} {r.Customers,7:N0}  {r.Revenue,12:N0}")));
        lines.Add("Churn risk (highest churn score first; reasons strongest first → retention strategy):");
        if (s.ChurnRisk.Skipped is { } reason)
        {
            lines.Add($"  not scored: the churn step was skipped ({reason}).");
        }
        else if (s.ChurnRisk.Customers.Count == 0)
        {
            lines.Add("  no customer has a churn score.");
        }
        else
        {
            lines.AddRange(s.ChurnRisk.Customers.Select(c => F($"  {c.CustomerId}  {c.Score,5:0.000}  {string.Join(", ", c.Reasons),-40} → {c.Strategy ?? "-"}")));
        }
        return lines;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Text(DemoSummary s)
    {
        var lines = new List<string>
        {
            $"Sent {s.Records:N0} records in {s.Requests:N0} HTTP requests in {s.Seconds:N1} s ({s.EventsPerSecond:N0} records/s).",
            $"  accepted     {s.Accepted,8:N0}   applied to profiles",
            $"  quarantined  {s.Quarantined,8:N0}   kept aside with their reasons (nothing is dropped silently)",
            $"  duplicates   {s.Duplicates,8:N0}   same messageId again: no second event",
            $"  rejected     {s.Rejected,8:N0}   400 problem+json, nothing stored",
            "",
            $"Customers after identity merges: {s.Customers:N0} ({s.Merges:N0} merges); events stored: {s.Events:N0}",
            "",
            "Quarantined by reason:",
        };
        lines.AddRange(s.QuarantinedByReason.Select(kv => $"  {kv.Key,-24} {kv.Value,8:N0}"));
        lines.Add("Rejected by reason:");
        lines.AddRange(s.RejectedByReason.OrderByDescending(kv => kv.Value).Select(kv => $"  {kv.Value,5:N0}  {kv.Key}"));
        lines.Add("Tag distribution (customers per tag value):");
        foreach (var family in s.Tags.GroupBy(kv => kv.Key.Split('=')[0]).Where(f => !PerCustomerNumbers.Contains(f.Key)))
        {
            lines.Add($"  {family.Key,-24} " + string.Join(", ", family.OrderByDescending(kv => kv.Value).Take(6)
                .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key.Split('=', 2)[1]} {kv.Value:N0}"))));
        }
        lines.Add("");
        lines.AddRange(Runs(s));
        lines.Add("");
        lines.AddRange(s.Journeys.Lines());
        lines.Add("");
        lines.Add($"Data folder: {s.DataFolder}  (try: dotnet run --project src/Standalone -- profile <customer id> --data {s.DataFolder})");
        return string.Join(Environment.NewLine, lines);
    }
}
