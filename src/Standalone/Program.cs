using System.CommandLine;
using Lodestar.Standalone.Commands;
using Spectre.Console;

// Piped or redirected output has no terminal width; Spectre would assume 80 columns and fold the wide tables.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 200;
}

var root = new RootCommand("Lodestar: precision marketing on one machine (embedded SQLite store, Kestrel on 127.0.0.1).")
{
    ServeCommand.Create(),
    DemoCommand.Create(),
    ImportCommand.Create(),
    ProfileCommand.Create(),
    TagsCommand.Create(),
    RunCommand.Create(),
    ModelCommand.Create(),
    ScoreCommand.Create(),
    SegmentCommand.Create(),
    ClvCommand.Create(),
    JourneyCommand.Create(),
    ContentCommand.Create(),
    ReportCommand.Create(),
    BackupCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
