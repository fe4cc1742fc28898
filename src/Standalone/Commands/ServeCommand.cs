using System.CommandLine;
using Lodestar.Runs;
using Lodestar.Standalone.Hosting;

namespace Lodestar.Standalone.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var urls = new Option<string>("--urls") { Description = "Address to listen on", DefaultValueFactory = _ => WebHost.DefaultUrl };
        var writeKey = new Option<string?>("--write-key") { Description = $"Write key clients authenticate with (else ${StandaloneOptions.WriteKeyVariable}, else generated on first start)" };
        var zone = CommonOptions.Zone();
        var noSchedule = new Option<bool>("--no-schedule") { Description = "Do not run the daily and monthly jobs (tags, backup) from this host" };
        var command = new Command("serve", "Serve the HTTP API (same routes as the Azure Functions app) on 127.0.0.1:7071, and run the daily and monthly jobs") { data, urls, writeKey, zone, noSchedule };
        command.SetAction(async (parse, ct) =>
        {
            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            await using var app = CommonOptions.Open(parse.GetValue(data)!, parse.GetValue(writeKey), logs);
            var runs = parse.GetValue(noSchedule) ? null : new ScheduledRuns(app, RunSchedule.Default(parse.GetValue(zone)!));
            var web = WebHost.Build(app, parse.GetValue(urls)!, LogLevel.Information, runs);
            Console.WriteLine($"Lodestar serving on {parse.GetValue(urls)} (data: {app.Data.Root})");
            var given = parse.GetValue(writeKey) ?? StandaloneOptions.WriteKeyFromEnvironment();
            Console.WriteLine(given is { Length: > 0 }
                ? "Write key: the one given (--write-key or $" + StandaloneOptions.WriteKeyVariable + ")"
                : app.SecretsCreated
                    ? $"Write key (generated on this first start, kept in {app.Data.Root}/secrets.json): {app.Secrets.WriteKey}"
                    : $"Write key (from {app.Data.Root}/secrets.json): {app.Secrets.WriteKey}");
            Console.WriteLine($"OpenAPI: {parse.GetValue(urls)}/openapi/v1.json");
            await web.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
