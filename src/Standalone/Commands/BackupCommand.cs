using System.CommandLine;
using System.Globalization;

namespace Lodestar.Standalone.Commands;

internal static class BackupCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var to = new Option<string?>("--to") { Description = "Backup file (default: <data>/backups/lodestar-<UTC time>.db)" };
        var retain = new Option<int>("--retain-days") { Description = "Delete backups in the backups folder older than this (default 3 years)", DefaultValueFactory = _ => 3 * 366 };
        var command = new Command("backup", "Consistent online copy of the store, safe while `serve` runs; prunes backups past retention") { data, to, retain };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = CommonOptions.Open(parse.GetValue(data)!);
            var now = app.Time.GetUtcNow();
            var target = parse.GetValue(to) ?? Path.Combine(app.Data.BackupsPath, $"lodestar-{now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.db");
            await app.Store.BackupAsync(target, ct);
            Console.WriteLine($"backup written: {Path.GetFullPath(target)} ({new FileInfo(target).Length:N0} bytes)");
            var cutoff = now.AddDays(-parse.GetValue(retain));
            foreach (var old in Directory.Exists(app.Data.BackupsPath) ? new DirectoryInfo(app.Data.BackupsPath).GetFiles("lodestar-*.db") : [])
            {
                if (old.LastWriteTimeUtc < cutoff.UtcDateTime)
                {
                    old.Delete();
                    Console.WriteLine($"pruned (past retention): {old.Name}");
                }
            }
            return 0;
        });
        return command;
    }
}
