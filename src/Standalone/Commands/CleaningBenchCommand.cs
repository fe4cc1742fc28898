using System.CommandLine;
using Lodestar.Simulation;
using Lodestar.Sqlite;
using Lodestar.Standalone.Hosting;

namespace Lodestar.Standalone.Commands;

internal static class CleaningBenchCommand
{
    public static Command Create()
    {
        var customers = new Option<int>("--customers") { Description = "Customers in the synthetic shop", DefaultValueFactory = _ => 3_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic shop", DefaultValueFactory = _ => 1 };
        var retail = new Option<string?>("--online-retail")
        {
            Description = "UCI Online Retail file (default: ../shared/data/retail/online_retail.csv.gz beside the repository, when present)",
        };
        var json = CommonOptions.Json();
        var command = new Command("cleaning", "Precision and recall of every cleaning rule on the labelled synthetic shop and on Online Retail's known defects") { customers, seed, retail, json };
        command.SetAction(async (parse, ct) =>
        {
            var folder = Directory.CreateTempSubdirectory("lodestar-cleaning-");
            var stores = new List<SqliteStore>();
            try
            {
                var bench = new CleaningBenchmark(() =>
                {
                    var store = SqliteStore.Open(Path.Combine(folder.FullName, $"bench-{stores.Count}.db"), synchronousFull: false);
                    stores.Add(store);
                    return store;
                });
                var report = await bench.RunAsync(new CleaningBenchmarkOptions
                {
                    Shop = new SyntheticShopOptions { Customers = parse.GetValue(customers), Seed = parse.GetValue(seed), End = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero) },
                    OnlineRetailPath = parse.GetValue(retail) ?? SharedData.Find("retail/online_retail.csv.gz"),
                }, ct);
                Console.WriteLine(parse.GetValue(json) ? report.ToJson() : Text(report));
                return 0;
            }
            finally
            {
                stores.ForEach(s => s.Dispose());
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                folder.Delete(recursive: true);
            }
        });
        return command;
    }

    private static string Text(CleaningBenchmarkReport report)
    {
        var lines = new List<string>();
        foreach (var d in report.Datasets)
        {
            lines.Add($"{d.Dataset}: {d.Records:N0} records, {d.DirtyRecords:N0} dirty, {d.Unparsed:N0} unparsed, {d.Seconds:N1} s ({d.Scope})");
            lines.Add($"  overall precision {d.Overall.Precision:P2}, recall {d.Overall.Recall:P2}");
            lines.AddRange(d.Rules.Select(r => $"  {r.Rule,-24} precision {r.Precision,8:P2}  recall {r.Recall,8:P2}   (tp {r.TruePositives:N0}, fp {r.FalsePositives:N0}, fn {r.FalseNegatives:N0})"));
        }
        lines.Add($"ALL DATA SETS: precision {report.Overall.Precision:P2}, recall {report.Overall.Recall:P2} (target: both >= 98%)");
        return string.Join(Environment.NewLine, lines);
    }
}
