using System.CommandLine;
using Lodestar.Import;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Spectre.Console;

namespace Lodestar.Standalone.Commands;

internal static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV file, optionally .gz: the generic event layout or UCI Online Retail (docs/import-formats.md)" };
        var data = CommonOptions.Data();
        var format = new Option<ImportFormat?>("--format") { Description = "Layout (default: recognised from the header row)" };
        var offset = new Option<double>("--utc-offset") { Description = "Hours east of UTC for local times without an offset (Online Retail: 0; China: 8)", DefaultValueFactory = _ => 8 };
        var json = CommonOptions.Json();
        var command = new Command("import", "Import history from CSV with a progress bar; row errors are listed, bad records quarantined, a re-import changes nothing") { file, data, format, offset, json };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"no such file: {path.FullName}");
                return 2;
            }
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            using var input = ImportFile.Open(path.FullName);
            var context = new SourceContext(app.Time.GetUtcNow(), TimeSpan.FromHours(parse.GetValue(offset)));
            var records = CsvImport.Read(input.Content, context, parse.GetValue(format));
            var import = new ImportHistory(app.Cleaner, app.Ingest, app.Time);
            var started = app.Time.GetTimestamp();
            ImportSummary summary;
            if (parse.GetValue(json))
            {
                summary = await import.ImportAsync(records, null, ct);
            }
            else
            {
                summary = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async p =>
                    {
                        var task = p.AddTask($"importing {path.Name}", maxValue: 1.0);
                        var progress = new Progress<ImportProgress>(r =>
                        {
                            task.Value = input.Fraction ?? 0;
                            task.Description = $"importing {path.Name}: {r.RowsRead:N0} rows, {r.Accepted:N0} accepted, {r.Quarantined:N0} quarantined";
                        });
                        var result = await import.ImportAsync(records, progress, ct);
                        task.Value = 1.0;
                        return result;
                    });
            }
            var seconds = app.Time.GetElapsedTime(started).TotalSeconds;
            BenchCommand.Print(new { file = path.FullName, seconds, rowsPerSecond = summary.RowsRead / seconds, summary }, parse.GetValue(json), () => Text(summary, seconds));
            return summary.RowErrors > 0 && summary.Records == 0 ? 1 : 0;
        });
        return command;
    }

    private static string Text(ImportSummary s, double seconds)
    {
        var lines = new List<string>
        {
            $"Imported {s.RowsRead:N0} rows ({s.Records:N0} records) in {seconds:N1} s ({s.RowsRead / seconds:N0} rows/s)",
            $"  accepted {s.Accepted:N0}, quarantined {s.Quarantined:N0} records ({s.QuarantinedRows:N0} rows), already known {s.Duplicates:N0}, merges {s.Merges:N0}, unreadable rows {s.RowErrors:N0}",
            "Quarantined rows by reason:",
        };
        lines.AddRange(s.QuarantinedByReason.Select(kv => $"  {kv.Key,-24} {kv.Value,10:N0}"));
        lines.Add("Repairs (rows kept, changed as stated):");
        lines.AddRange(s.RepairsByReason.Select(kv => $"  {kv.Key,-24} {kv.Value,10:N0}"));
        if (s.RowErrors > 0)
        {
            lines.Add("Unreadable rows by field:");
            lines.AddRange(s.RowErrorsByField.Select(kv => $"  {kv.Key,-24} {kv.Value,10:N0}"));
            lines.AddRange(s.RowErrorSamples.Take(10).Select(e => $"  e.g. {e.Pointer}: {e.Message}"));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
