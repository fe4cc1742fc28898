using System.CommandLine;
using Lodestar.Runs;
using Lodestar.Standalone.Hosting;

namespace Lodestar.Standalone.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var kind = new Argument<RunKind>("kind") { Description = "daily or monthly" };
        var period = new Option<string?>("--period") { Description = "Period to run (daily: yyyy-MM-dd, monthly: yyyy-MM); default: the one last due" };
        var zone = CommonOptions.Zone();
        var command = new Command("run", "Run the daily or monthly job now (what the scheduler and the timers run); a finished period is skipped") { kind, data, period, zone };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            var runs = new ScheduledRuns(app, RunSchedule.Default(parse.GetValue(zone)!));
            RunReport report;
            try
            {
                report = await runs.RunOwedAsync(parse.GetValue(kind), parse.GetValue(period), ct);
            }
            catch (ArgumentException e)
            {
                // A malformed or future --period: say what is wrong, no stack trace.
                await Console.Error.WriteLineAsync($"--period: {e.Message}");
                return 2;
            }
            Console.WriteLine($"{report.Kind} run for {report.Period}:");
            foreach (var (step, outcome, skipped) in report.Steps)
            {
                Console.WriteLine($"  {step,-14} {(skipped ? "skipped (done before)" : outcome)}");
            }
            return 0;
        });
        return command;
    }
}
