using Lodestar.Runs;

namespace Lodestar.Sqlite;

public sealed partial class SqliteStore : IRunLedger
{
    public async Task<IReadOnlySet<string>> CompletedStepsAsync(RunKind kind, string period, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT step FROM runs WHERE kind = @k AND period = @p";
        cmd.Parameters.AddWithValue("@k", kind.ToString());
        cmd.Parameters.AddWithValue("@p", period);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var steps = new HashSet<string>(StringComparer.Ordinal);
        while (await r.ReadAsync(cancellationToken))
        {
            steps.Add(r.GetString(0));
        }
        return steps;
    }

    public Task MarkDoneAsync(RunKind kind, string period, string step, string outcome, DateTimeOffset at, CancellationToken cancellationToken) =>
        Write(tx =>
        {
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT OR REPLACE INTO runs (kind, period, step, outcome, at) VALUES (@k, @p, @s, @o, @at)";
            cmd.Parameters.AddWithValue("@k", kind.ToString());
            cmd.Parameters.AddWithValue("@p", period);
            cmd.Parameters.AddWithValue("@s", step);
            cmd.Parameters.AddWithValue("@o", outcome);
            cmd.Parameters.AddWithValue("@at", at.ToUnixTimeMilliseconds());
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
}
