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

    /// <summary>The tenant's time zone for scheduled runs (IANA id).</summary>
    public static Option<TimeZoneInfo> Zone() => new("--zone")
    {
        Description = "Time zone of the daily 02:00 and monthly 03:00 runs (IANA id)",
        DefaultValueFactory = _ => TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
        CustomParser = r => TimeZoneInfo.FindSystemTimeZoneById(r.Tokens.Single().Value),
    };

    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of text" };

    public static ILoggerFactory QuietLogs() => LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));

    public static StandaloneApp Open(string data, string? writeKey = null, ILoggerFactory? logs = null) =>
        new(new StandaloneOptions(data, writeKey), logs ?? QuietLogs());
}
