using Microsoft.Data.Sqlite;

namespace Lodestar.Tests.Support;

/// <summary>
/// Reads a SQLite store file directly, on its own unpooled connection, to check what is really on disk rather than what
/// the API under test says about it.
/// </summary>
internal sealed class StoreProbe(string path)
{
    private SqliteConnection Open()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        c.Open();
        return c;
    }

    public long Scalar(string sql, params (string Name, object Value)[] args)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public List<(string, long)> Pairs(string sql)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<(string, long)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.GetInt64(1)));
        }
        return list;
    }

    public List<string> Strings(string sql, params (string Name, object Value)[] args)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }
        return list;
    }

    /// <summary>Rows in events with this message id (the store may hold at most one).</summary>
    public long EventsWithMessageId(string messageId) => Scalar("SELECT count(*) FROM events WHERE message_id = @m", ("@m", messageId));

    public long QuarantinedWithMessageId(string messageId) => Scalar("SELECT count(*) FROM quarantine WHERE message_id = @m", ("@m", messageId));

    public long EventsOf(string customerId) => Scalar("SELECT count(*) FROM events WHERE customer_id = @c", ("@c", customerId));

    public long IdentitiesOf(string customerId) => Scalar("SELECT count(*) FROM identities WHERE customer_id = @c", ("@c", customerId));
}
