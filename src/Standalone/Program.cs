using System.CommandLine;
using Lodestar.Standalone.Commands;

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
