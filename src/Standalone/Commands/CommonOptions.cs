using System.CommandLine;
using Lodestar.Standalone.Hosting;

namespace Lodestar.Standalone.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "Data folder (SQLite store, secrets, backups)",
        DefaultValueFactory = _ => "./.lodestar",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of text" };

    public static ILoggerFactory QuietLogs() => LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

    public static StandaloneApp Open(string data, string? writeKey = null, ILoggerFactory? logs = null) =>
        new(new StandaloneOptions(data, writeKey), logs ?? QuietLogs());
}
