using System.CommandLine;
using System.Text.Json;
using Lodestar.Standalone.Bench;

namespace Lodestar.Standalone.Commands;

internal static class BenchCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var events = new Option<int>("--events") { Description = "Events to ingest in each phase", DefaultValueFactory = _ => 200_000 };
        var customers = new Option<int>("--customers") { Description = "Distinct customers", DefaultValueFactory = _ => 20_000 };
        var ingest = new Command("ingest", "Ingest throughput in-process and over HTTP, per-record latency, and the raw SQLite insert rate") { events, customers, json };
        ingest.SetAction(async (parse, ct) =>
        {
            var result = await IngestBenchmark.RunAsync(parse.GetValue(events), parse.GetValue(customers), parse.GetValue(json) ? null : Console.Out, ct);
            Print(result, parse.GetValue(json), result.ToText);
            return 0;
        });
        return new Command("bench", "End-to-end benchmarks that print their figures") { ingest, CleaningBenchCommand.Create(), ScoringBenchCommand.Create(), Journeys() };
    }

    private static Command Journeys()
    {
        var json = CommonOptions.Json();
        var instances = new Option<int>("--instances") { Description = "Waiting instances to hold in the store", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("journeys", "Engine decisions/s, persisted driver steps/s, trigger-to-send latency, and many waiting instances") { instances, json };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(instances) < 1)
            {
                await Console.Error.WriteLineAsync("--instances must be 1 or more");
                return 2;
            }
            var result = await JourneyBenchmark.RunAsync(parse.GetValue(instances), parse.GetValue(json) ? null : Console.Out, ct);
            Print(result, parse.GetValue(json), result.ToText);
            return 0;
        });
        return command;
    }

    internal static void Print<T>(T result, bool json, Func<string> text) =>
        Console.WriteLine(json ? JsonSerializer.Serialize(result, new JsonSerializerOptions(DomainJson.Options) { WriteIndented = true }) : text());
}
