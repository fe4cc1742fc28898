using System.CommandLine;
using Lodestar.Scoring;
using Lodestar.Standalone.Bench;

namespace Lodestar.Standalone.Commands;

internal static class ScoringBenchCommand
{
    internal static Command Create()
    {
        var customers = new Option<int>("--customers") { Description = "Customers in the synthetic shop", DefaultValueFactory = _ => 1_000_000 };
        var orders = new Option<int>("--orders") { Description = "Orders over all customers", DefaultValueFactory = _ => 10_000_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic orders", DefaultValueFactory = _ => 42 };
        var runs = new Option<int>("--runs") { Description = "Timed runs of each side (the figures are the median)", DefaultValueFactory = _ => 3 };
        var sql = new Option<bool>("--sql") { Description = "Print DuckDB's statements and exit" };
        var quantileCont = new Option<bool>("--quantile-cont")
        {
            Description = "Cut points by DuckDB's quantile_cont instead of R's type-7 arithmetic in SQL (type 7 too, but it may differ in the last bit)",
        };
        var json = CommonOptions.Json();
        var command = new Command("scoring", "RFM + lifecycle tiers by our code and the same computation by DuckDB over the same seeded orders; times, ratio, peak memory and agreement")
        {
            customers, orders, seed, runs, quantileCont, sql, json,
        };
        foreach (var option in new[] { customers, orders, runs })
        {
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                {
                    r.AddError($"{option.Name} must be at least 1");
                }
            });
        }
        command.SetAction(parse =>
        {
            if (parse.GetValue(sql))
            {
                Console.WriteLine(string.Join(";\n\n", DuckDbScoring.Statements(ScoringBenchOptions.AnalysisDate, RfmScheme.Default, TierRuleSet.Default, parse.GetValue(quantileCont))) + ";");
                return 0;
            }
            var options = new ScoringBenchOptions(parse.GetValue(customers), parse.GetValue(orders), parse.GetValue(seed), parse.GetValue(runs), parse.GetValue(quantileCont));
            var result = ScoringBenchmark.Run(options, parse.GetValue(json) ? null : Console.Out);
            BenchCommand.Print(result, parse.GetValue(json), result.ToText);
            // Timings are reported, not enforced (the machine may be busy); disagreement is a failure.
            return result.Agreement.Agree ? 0 : 1;
        });
        return command;
    }
}
