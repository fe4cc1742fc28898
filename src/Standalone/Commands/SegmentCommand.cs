using System.CommandLine;
using System.Globalization;
using Lodestar.Scoring;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

/// <summary><c>segment preview FILE</c>: how many customers a segment definition would hold, before it is saved.</summary>
internal static class SegmentCommand
{
    internal static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Segment definition JSON: one segment object, or an array of them (docs/scoring.md)" };
        var at = new Option<string?>("--at") { Description = "Evaluate as at the end of this date, yyyy-MM-dd (default: now)" };
        var offset = new Option<double>("--utc-offset") { Description = "Hours east of UTC of the tenant's zone (for --at)", DefaultValueFactory = _ => 8 };
        var data = CommonOptions.Data();
        var json = CommonOptions.Json();
        var preview = new Command("preview", "Count the customers a segment matches now, or list its validation errors with their JSON pointers")
        {
            file, at, offset, data, json,
        };
        preview.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"no such file: {path.FullName}");
                return 2;
            }
            var parsed = SegmentSet.Parse(await File.ReadAllTextAsync(path.FullName, ct));
            if (!parsed.IsValid)
            {
                if (parse.GetValue(json))
                {
                    BenchCommand.Print(new { valid = false, errors = parsed.Errors }, json: true, () => "");
                }
                else
                {
                    await ScoreCommand.PrintErrors($"{path.Name} is not a valid segment definition", parsed.Errors);
                }
                return 1;
            }
            var zone = TimeSpan.FromHours(parse.GetValue(offset));
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            var now = app.Time.GetUtcNow();
            if (parse.GetValue(at) is { } text)
            {
                if (!ScoreCommand.TryDate(text, null, out var date))
                {
                    return 2;
                }
                now = AnalysisDay.End(date, zone);
            }
            var results = new List<(SegmentDefinition Segment, SegmentPreviewResult Preview)>();
            foreach (var segment in parsed.Value!.Segments)
            {
                results.Add((segment, await SegmentMembership.PreviewAsync(segment, app.Store.ReadAllAsync(ct), now, ct)));
            }
            BenchCommand.Print(new
            {
                valid = true,
                at = now.ToString("O", CultureInfo.InvariantCulture),
                segments = results.Select(r => new { id = r.Segment.Id, name = r.Segment.Name, matching = r.Preview.Matching, profiles = r.Preview.Profiles, share = r.Preview.Share }),
            }, parse.GetValue(json), () =>
            {
                var table = new Table().AddColumns("segment", "name", "matching", "of profiles", "share");
                foreach (var (segment, result) in results)
                {
                    table.AddRow(Markup.Escape(segment.Id), Markup.Escape(segment.Name), $"{result.Matching:N0}", $"{result.Profiles:N0}", $"{result.Share:P1}");
                }
                AnsiConsole.Write(table);
                return "";
            });
            return 0;
        });
        return new Command("segment", "Segment definitions") { preview };
    }
}
