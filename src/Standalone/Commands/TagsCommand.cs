using System.CommandLine;
using Lodestar.Tags;

namespace Lodestar.Standalone.Commands;

internal static class TagsCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var cadence = new Option<TagCadence>("--cadence") { Description = "Which rules: daily (preference) or monthly (value)", DefaultValueFactory = _ => TagCadence.Daily };
        var refresh = new Command("refresh", "Run the daily or monthly tag rules over every profile (what the timers call)") { cadence, data };
        refresh.SetAction(async (parse, ct) =>
        {
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            var report = await app.Tags.RunAsync(parse.GetValue(cadence), ct);
            Console.WriteLine($"{report.Cadence} tags: {report.Profiles:N0} profiles read, {report.Changed:N0} changed");
            return 0;
        });
        return new Command("tags", "Tag rule runs") { refresh };
    }
}
