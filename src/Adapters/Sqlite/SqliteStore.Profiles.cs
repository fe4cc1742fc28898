using System.Runtime.CompilerServices;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;

namespace Lodestar.Sqlite;

public sealed partial class SqliteStore
{
    public async Task<Profile?> GetAsync(CustomerId id, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT version, body FROM profiles
            WHERE customer_id = coalesce((SELECT new_id FROM aliases WHERE old_id = @id), @id)
            """;
        cmd.Parameters.AddWithValue("@id", id.Value);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadProfile(r, 1, 0) : null;
    }

    public async Task<CustomerId?> FindAsync(string graphKey, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT customer_id FROM identities WHERE graph_key = @k";
        cmd.Parameters.AddWithValue("@k", graphKey);
        return await cmd.ExecuteScalarAsync(cancellationToken) is string s ? CustomerId.Parse(s) : null;
    }

    public async Task<IReadOnlyList<MergeRecord>> MergesAsync(CustomerId id, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT survivor, merged, via, reason, at, message_id FROM merges WHERE survivor = @id OR merged = @id ORDER BY id";
        cmd.Parameters.AddWithValue("@id", id.Value);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<MergeRecord>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new MergeRecord(CustomerId.Parse(r.GetString(0)), CustomerId.Parse(r.GetString(1)),
                r.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries), r.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.GetString(5)));
        }
        return list;
    }

    public async IAsyncEnumerable<Profile> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = "";
        while (true)
        {
            var page = new List<Profile>(1_000);
            await using (var c = OpenReader())
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = "SELECT version, body, customer_id FROM profiles WHERE customer_id > @after ORDER BY customer_id LIMIT 1000";
                cmd.Parameters.AddWithValue("@after", after);
                using var r = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await r.ReadAsync(cancellationToken))
                {
                    page.Add(ReadProfile(r, 1, 0));
                    after = r.GetString(2);
                }
            }
            foreach (var p in page)
            {
                yield return p;
            }
            if (page.Count < 1_000)
            {
                yield break;
            }
        }
    }

    public Task<IReadOnlyList<CustomerId>> SaveAsync(IReadOnlyCollection<Profile> profiles, CancellationToken cancellationToken) =>
        Write<IReadOnlyList<CustomerId>>(tx => new IngestCommit(_writer, tx).SaveProfiles(profiles, throwOnConflict: false), cancellationToken);

    /// <summary>
    /// Erases the customer (PIPL): every row, then a truncating checkpoint, so that with <c>secure_delete</c> (set on the
    /// writer) no byte of the erased rows — sealed contact points included (docs/adr/0007) — stays in the file or its WAL.
    /// </summary>
    public async Task<bool> EraseAsync(CustomerId requested, CancellationToken cancellationToken)
    {
        var erased = await EraseRowsAsync(requested, cancellationToken);
        await _writeLock.WaitAsync(cancellationToken);   // the writer's turn, outside any transaction
        try
        {
            Execute(_writer, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        finally
        {
            _writeLock.Release();
        }
        return erased;
    }

    private Task<bool> EraseRowsAsync(CustomerId requested, CancellationToken cancellationToken) => Write(tx =>
    {
        // A merged-away id names the customer it joined: erase that one, as GetAsync would show it.
        var id = requested;
        using (var alias = _writer.CreateCommand())
        {
            alias.Transaction = tx;
            alias.CommandText = "SELECT new_id FROM aliases WHERE old_id = @id";
            alias.Parameters.AddWithValue("@id", requested.Value);
            if (alias.ExecuteScalar() is string survivor)
            {
                id = CustomerId.Parse(survivor);
            }
        }
        _cache.Forget([id]);
        var keys = new List<string>();
        using (var cmd = _writer.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT graph_key FROM identities WHERE customer_id = @id";
            cmd.Parameters.AddWithValue("@id", id.Value);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                keys.Add(r.GetString(0));
            }
        }
        var removed = 0;
        foreach (var sql in new[]
        {
            // Sends and their engagement first: they find the merged-away ids through the aliases deleted below.
            "DELETE FROM engagement WHERE message_id IN (SELECT message_id FROM deliveries WHERE customer_id = @id OR customer_id IN (SELECT old_id FROM aliases WHERE new_id = @id))",
            "DELETE FROM deliveries WHERE customer_id = @id OR customer_id IN (SELECT old_id FROM aliases WHERE new_id = @id)",
            "DELETE FROM profiles WHERE customer_id = @id",
            "DELETE FROM events WHERE customer_id = @id",
            "DELETE FROM identities WHERE customer_id = @id",
            "DELETE FROM merges WHERE survivor = @id OR merged = @id",
            "DELETE FROM aliases WHERE old_id = @id OR new_id = @id",
        })
        {
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("@id", id.Value);
            removed += cmd.ExecuteNonQuery();
        }
        // Quarantined records are not attributed to a customer; they are found by the protected identifiers they hold.
        foreach (var key in keys)
        {
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM quarantine WHERE instr(record, @v) > 0";
            cmd.Parameters.AddWithValue("@v", "\"key\":\"" + key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..] + "\"");
            cmd.ExecuteNonQuery();
        }
        return removed > 0;
    }, cancellationToken);
}
