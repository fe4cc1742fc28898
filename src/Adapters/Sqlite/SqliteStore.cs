using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Microsoft.Data.Sqlite;

namespace Lodestar.Sqlite;

/// <summary>
/// The embedded customer store: one SQLite file in WAL mode. Writes go through one connection, one transaction per
/// batch (an event and its profile update commit together); reads use pooled connections and never block writers.
/// </summary>
public sealed partial class SqliteStore : IIngestStore, IProfileStore, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ProfileCache _cache = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _checkpoints;
    private int _disposed;

    private SqliteStore(string path, bool synchronousFull)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(synchronousFull ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=30000; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=0; PRAGMA secure_delete=ON;");
        Execute(_writer, Schema.Create);
        Execute(_writer, JourneySchema.Create);
        Execute(_writer, $"PRAGMA user_version={Schema.Version};");
        _checkpoints = Task.Run(CheckpointLoop);
    }

    /// <summary>
    /// Copies the WAL back into the database off the commit path: the writer never pays for a checkpoint (which would
    /// show as a latency spike), and a passive checkpoint never blocks readers or the writer.
    /// </summary>
    private async Task CheckpointLoop()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                await using var c = OpenReader();
                Execute(c, "PRAGMA wal_checkpoint(PASSIVE);");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public string Path { get; }

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/>. With <paramref name="synchronousFull"/>
    /// every commit is on disk before it returns (survives power loss); NORMAL survives a process crash.</summary>
    public static SqliteStore Open(string path, bool synchronousFull = true)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        return new SqliteStore(path, synchronousFull);
    }

    public void Dispose()
    {
        // Registered under several service types, the store may be disposed more than once.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stopping.Cancel();
        _checkpoints.Wait();
        _stopping.Dispose();
        Execute(_writer, "PRAGMA wal_checkpoint(TRUNCATE);");
        _writer.Dispose();
        _writeLock.Dispose();
    }

    private SqliteConnection OpenReader()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static void Execute(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }

    private async Task<T> Write<T>(Func<SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var tx = _writer.BeginTransaction();
            var result = work(tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal static string Json<T>(T value) => JsonSerializer.Serialize(value, DomainJson.Options);

    internal static Profile ReadProfile(SqliteDataReader r, int bodyColumn, int versionColumn) =>
        JsonSerializer.Deserialize<Profile>(r.GetString(bodyColumn), DomainJson.Options)! with { Version = r.GetInt64(versionColumn) };

    /// <summary>A JSON array parameter, expanded in SQL with json_each: one parameter however many keys.</summary>
    private static SqliteParameter Keys(string name, IEnumerable<string> keys) => new(name, JsonSerializer.Serialize(keys));

    public async Task<IngestSnapshot> LoadAsync(IngestKeys keys, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        var messages = Strings(c, "SELECT message_id FROM events WHERE message_id IN (SELECT value FROM json_each(@k)) UNION SELECT message_id FROM quarantine WHERE message_id IN (SELECT value FROM json_each(@k))", keys.MessageIds);
        var fingerprints = Strings(c, "SELECT key FROM fingerprints WHERE key IN (SELECT value FROM json_each(@k))", keys.Fingerprints);
        var links = new Dictionary<string, CustomerId>(StringComparer.Ordinal);
        var profiles = new Dictionary<CustomerId, Profile>();
        var missing = new List<string>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = """
                SELECT i.graph_key, i.customer_id, p.version
                FROM identities i LEFT JOIN profiles p ON p.customer_id = i.customer_id
                WHERE i.graph_key IN (SELECT value FROM json_each(@k))
                """;
            cmd.Parameters.Add(Keys("@k", keys.GraphKeys));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var id = CustomerId.Parse(r.GetString(1));
                links[r.GetString(0)] = id;
                if (!r.IsDBNull(2) && !profiles.ContainsKey(id))
                {
                    if (_cache.Get(id, r.GetInt64(2)) is { } cached)
                    {
                        profiles[id] = cached;
                    }
                    else
                    {
                        missing.Add(id.Value);
                    }
                }
            }
        }
        if (missing.Count > 0)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT version, body FROM profiles WHERE customer_id IN (SELECT value FROM json_each(@k))";
            cmd.Parameters.Add(Keys("@k", missing.Distinct()));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var profile = _cache.Put(ReadProfile(r, 1, 0));
                profiles[profile.Id] = profile;
            }
        }
        return new IngestSnapshot(messages, fingerprints, links, profiles);
    }

    private static HashSet<string> Strings(SqliteConnection c, string sql, IEnumerable<string> keys)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.Add(Keys("@k", keys));
        using var r = cmd.ExecuteReader();
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read())
        {
            set.Add(r.GetString(0));
        }
        return set;
    }

    public async Task CommitAsync(IngestChanges changes, CancellationToken cancellationToken)
    {
        try
        {
            await Write(tx => new IngestCommit(_writer, tx).Apply(changes), cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            _cache.Forget(changes.Profiles.Select(p => p.Id));
            throw;
        }
        _cache.Committed(changes.Profiles, changes.Merges.Select(m => m.Merged));
    }
}
