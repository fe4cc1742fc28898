using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Microsoft.Data.Sqlite;

namespace Lodestar.Sqlite;

/// <summary>Applies one ingest batch inside the caller's transaction, with prepared commands reused across rows.</summary>
internal sealed class IngestCommit(SqliteConnection connection, SqliteTransaction tx)
{
    public int Apply(IngestChanges changes)
    {
        using (var insert = Prepare("INSERT INTO events (message_id, customer_id, type, name, ts, body) VALUES (@m, @c, @t, @n, @ts, @b)", "@m", "@c", "@t", "@n", "@ts", "@b"))
        {
            foreach (var e in changes.Events)
            {
                Run(insert, e.Event.MessageId, e.Customer.Value, (int)e.Event.Type, e.Event.Name, e.Event.Timestamp.ToUnixTimeMilliseconds(), SqliteStore.Json(e.Event));
            }
        }
        using (var insert = Prepare("INSERT INTO quarantine (message_id, line, source, reasons, detail, record, received) VALUES (@m, @l, @s, @r, @d, @rec, @at)", "@m", "@l", "@s", "@r", "@d", "@rec", "@at"))
        {
            foreach (var q in changes.Quarantine)
            {
                Run(insert, q.MessageId, q.Line, q.Source, string.Join(',', q.Reasons), q.Detail, q.Record, q.ReceivedAt.ToUnixTimeMilliseconds());
            }
        }
        foreach (var m in changes.Merges)
        {
            ApplyMerge(m);
        }
        using (var link = Prepare("INSERT INTO identities (graph_key, customer_id, kind, display) VALUES (@k, @c, @kind, @d) ON CONFLICT (graph_key) DO UPDATE SET customer_id = excluded.customer_id", "@k", "@c", "@kind", "@d"))
        {
            foreach (var (key, customer, id) in changes.NewLinks)
            {
                Run(link, key, customer.Value, (int)id.Kind, id.Display);
            }
        }
        SaveProfiles(changes.Profiles, throwOnConflict: true);
        using (var fp = Prepare("INSERT OR IGNORE INTO fingerprints (key, at) VALUES (@k, @at)", "@k", "@at"))
        {
            var at = changes.Events.Count > 0 ? changes.Events[0].Event.Timestamp.ToUnixTimeMilliseconds() : 0;
            foreach (var key in changes.Fingerprints)
            {
                Run(fp, key, at);
            }
        }
        return changes.Events.Count;
    }

    /// <summary>Saves with optimistic concurrency on the version column; returns (or throws for) the ids that moved on.</summary>
    public List<CustomerId> SaveProfiles(IEnumerable<Profile> profiles, bool throwOnConflict)
    {
        var conflicts = new List<CustomerId>();
        using var insert = Prepare("INSERT INTO profiles (customer_id, version, body) VALUES (@c, 1, @b) ON CONFLICT (customer_id) DO NOTHING", "@c", "@b");
        using var update = Prepare("UPDATE profiles SET version = version + 1, body = @b WHERE customer_id = @c AND version = @v", "@c", "@b", "@v");
        foreach (var p in profiles)
        {
            var body = SqliteStore.Json(p with { Version = 0 });
            var rows = p.Version == 0 ? Run(insert, p.Id.Value, body) : Run(update, p.Id.Value, body, p.Version);
            if (rows == 0)
            {
                if (throwOnConflict)
                {
                    throw new ConcurrencyConflictException($"profile {p.Id} changed since it was read at version {p.Version}");
                }
                conflicts.Add(p.Id);
            }
        }
        return conflicts;
    }

    private void ApplyMerge(MergeRecord m)
    {
        var (s, l) = (m.Survivor.Value, m.Merged.Value);
        foreach (var sql in new[]
        {
            "UPDATE identities SET customer_id = @s WHERE customer_id = @l",
            "UPDATE events SET customer_id = @s WHERE customer_id = @l",
            "DELETE FROM profiles WHERE customer_id = @l",
            "UPDATE aliases SET new_id = @s WHERE new_id = @l",
            "INSERT INTO aliases (old_id, new_id) VALUES (@l, @s) ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id",
        })
        {
            using var cmd = Prepare(sql, "@s", "@l");
            Run(cmd, s, l);
        }
        using var insert = Prepare("INSERT INTO merges (survivor, merged, via, reason, at, message_id) VALUES (@s, @l, @v, @r, @at, @m)", "@s", "@l", "@v", "@r", "@at", "@m");
        Run(insert, s, l, string.Join(',', m.Via), m.Reason, m.At.ToUnixTimeMilliseconds(), m.MessageId);
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var n in names)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = n });
        }
        cmd.Prepare();
        return cmd;
    }

    private static int Run(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        return cmd.ExecuteNonQuery();
    }
}
