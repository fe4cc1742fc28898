using System.CommandLine;
using Lodestar.Standalone.Hosting;

namespace Lodestar.Standalone.Commands;

internal static class ServeCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var urls = new Option<string>("--urls") { Description = "Address to listen on", DefaultValueFactory = _ => WebHost.DefaultUrl };
        var writeKey = new Option<string?>("--write-key") { Description = $"Write key clients authenticate with (else ${StandaloneOptions.WriteKeyVariable}, else generated on first start)" };
        var command = new Command("serve", "Serve the HTTP API (same routes as the Azure Functions app) on 127.0.0.1:7071") { data, urls, writeKey };
        command.SetAction(async (parse, ct) =>
        {
            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
            await using var app = CommonOptions.Open(parse.GetValue(data)!, parse.GetValue(writeKey), logs);
            var web = WebHost.Build(app, parse.GetValue(urls)!, LogLevel.Information);
            Console.WriteLine($"Lodestar serving on {parse.GetValue(urls)} (data: {app.Data.Root})");
            Console.WriteLine(app.SecretsCreated
                ? $"Write key (generated, kept in the data folder): {app.Secrets.WriteKey}"
                : $"Write key: {app.Secrets.WriteKey}");
            Console.WriteLine($"OpenAPI: {parse.GetValue(urls)}/openapi/v1.json");
            await web.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
