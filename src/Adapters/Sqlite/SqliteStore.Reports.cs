using Microsoft.Data.Sqlite;

namespace Lodestar.Sqlite;

/// <summary>Totals the demo and the operators read.</summary>
public sealed record StoreStatistics(
    long Events,
    long Customers,
    long Identities,
    long Merges,
    IReadOnlyDictionary<string, long> QuarantineByReason,
    IReadOnlyDictionary<string, long> Tags);

public sealed partial class SqliteStore
{
    public async Task<StoreStatistics> StatisticsAsync(CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        long Scalar(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return (long)cmd.ExecuteScalar()!;
        }
        Dictionary<string, long> Groups(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            using var r = cmd.ExecuteReader();
            var d = new Dictionary<string, long>(StringComparer.Ordinal);
            while (r.Read())
            {
                d[r.GetString(0)] = r.GetInt64(1);
            }
            return d;
        }
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return new StoreStatistics(
            Scalar("SELECT count(*) FROM events"),
            Scalar("SELECT count(*) FROM profiles"),
            Scalar("SELECT count(*) FROM identities"),
            Scalar("SELECT count(*) FROM merges"),
            Groups("SELECT j.value, count(*) FROM quarantine, json_each('[\"' || replace(reasons, ',', '\",\"') || '\"]') j GROUP BY j.value ORDER BY 2 DESC"),
            Groups("SELECT t.key || '=' || json_extract(t.value, '$.value'), count(*) FROM profiles, json_each(profiles.body, '$.tags') t GROUP BY 1 ORDER BY 1"));
    }

    /// <summary>A consistent online copy of the store while it serves (SQLite's backup API), for daily full backups.</summary>
    public async Task BackupAsync(string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(destination))!);
        await using var source = OpenReader();
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString());
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
    }
}
