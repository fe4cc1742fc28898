using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Campaigns;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Messaging;
using Microsoft.Data.Sqlite;

namespace Lodestar.Sqlite;

/// <summary>The delivery ledger, the feedback loop's facts and dead letters, and the campaign read side.</summary>
public sealed partial class SqliteStore : IDeliveryLedger, IFeedbackStore, ICampaignFacts
{
    /// <summary>A customer id as it is now: a merged-away id answers with its survivor.</summary>
    private const string Current = "COALESCE((SELECT new_id FROM aliases WHERE old_id = {0}), {0})";

    /// <summary>Idempotent on the message id; a later record may only fill in a provider id the first one lacked
    /// (a send replayed after a crash whose provider answered this time).</summary>
    public Task RecordSendsAsync(IReadOnlyCollection<SentMessageRecord> sends, CancellationToken cancellationToken) => Write(tx =>
    {
        using var cmd = _writer.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO deliveries (message_id, provider_id, customer_id, channel, journey, campaign, node, branch, segment, status, sent_at)
            VALUES (@m, @p, @c, @ch, @j, @cp, @n, @b, @s, @st, @at)
            ON CONFLICT (message_id) DO UPDATE SET provider_id = COALESCE(deliveries.provider_id, excluded.provider_id)
            """;
        foreach (var name in (string[])["@m", "@p", "@c", "@ch", "@j", "@cp", "@n", "@b", "@s", "@st", "@at"])
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        foreach (var s in sends)
        {
            object?[] values = [s.MessageId, s.ProviderMessageId, s.Customer.Value, (int)s.Channel, s.JourneyId, s.Campaign, s.Node, s.Branch, s.Segment, (int)s.Status, s.SentAt.ToUnixTimeMilliseconds()];
            for (var i = 0; i < values.Length; i++)
            {
                cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
            cmd.ExecuteNonQuery();
        }
        return sends.Count;
    }, cancellationToken);

    public async Task<SentMessageRecord?> FindSendAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        // The provider's id first; our own id for senders that gave none (outbox, mini-program callbacks).
        cmd.CommandText = $"""
            SELECT {Columns} FROM deliveries WHERE provider_id = @id
            UNION ALL SELECT {Columns} FROM deliveries WHERE message_id = @id
            LIMIT 1
            """;
        cmd.Parameters.AddWithValue("@id", messageId);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadSend(r) : null;
    }

    private const string Columns = "message_id, provider_id, customer_id, channel, journey, campaign, node, branch, segment, status, sent_at";

    private static SentMessageRecord ReadSend(SqliteDataReader r) => new(
        r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), CustomerId.Parse(r.GetString(2)), (Channel)r.GetInt32(3), r.GetString(4), r.GetString(5),
        r.GetString(6), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)), (DeliveryStatus)r.GetInt32(9),
        r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8));

    public async Task<Identifier?> ContactKeyAsync(CustomerId customer, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT graph_key, kind, display FROM identities WHERE customer_id = {string.Format(null, Current, "@c")} ORDER BY kind, graph_key LIMIT 1";
        cmd.Parameters.AddWithValue("@c", customer.Value);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }
        var graphKey = r.GetString(0);
        return new Identifier((IdKind)r.GetInt32(1), graphKey[(graphKey.IndexOf(':', StringComparison.Ordinal) + 1)..], r.GetString(2));
    }

    public Task RecordFeedbackAsync(IReadOnlyCollection<EngagementFact> facts, IReadOnlyCollection<DeadLetter> deadLetters, CancellationToken cancellationToken) => Write(tx =>
    {
        using (var cmd = _writer.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO engagement (event_id, message_id, kind, at) VALUES (@e, @m, @k, @at) ON CONFLICT (event_id) DO NOTHING";
            foreach (var f in facts)
            {
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("@e", f.EventId);
                cmd.Parameters.AddWithValue("@m", f.MessageId);
                cmd.Parameters.AddWithValue("@k", (int)f.Kind);
                cmd.Parameters.AddWithValue("@at", f.At.ToUnixTimeMilliseconds());
                cmd.ExecuteNonQuery();
            }
        }
        using (var cmd = _writer.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO dead_letters (event_id, event_type, reason, detail, received) VALUES (@e, @t, @r, @d, @at) ON CONFLICT (event_id) DO NOTHING";
            foreach (var d in deadLetters)
            {
                cmd.Parameters.Clear();
                cmd.Parameters.AddWithValue("@e", d.EventId);
                cmd.Parameters.AddWithValue("@t", d.EventType);
                cmd.Parameters.AddWithValue("@r", d.Reason);
                cmd.Parameters.AddWithValue("@d", d.Detail);
                cmd.Parameters.AddWithValue("@at", d.ReceivedAt.ToUnixTimeMilliseconds());
                cmd.ExecuteNonQuery();
            }
        }
        return facts.Count + deadLetters.Count;
    }, cancellationToken);

    /// <summary>The dead letters, newest first (operators read them; tests assert on them).</summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT event_id, event_type, reason, detail, received FROM dead_letters ORDER BY received DESC, event_id LIMIT @n";
        cmd.Parameters.AddWithValue("@n", limit);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<DeadLetter>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new DeadLetter(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))));
        }
        return list;
    }

    /// <summary>Every campaign in the ledger with its number of sends, most sends first (the demo and <c>report campaigns</c>).</summary>
    public async Task<IReadOnlyList<(string Campaign, long Sends)>> CampaignsAsync(CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT campaign, count(*) FROM deliveries GROUP BY campaign ORDER BY 2 DESC, 1";
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<(string, long)>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add((r.GetString(0), r.GetInt64(1)));
        }
        return list;
    }

    public async Task<CampaignFacts> LoadAsync(string campaign, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        var sends = ImmutableArray.CreateBuilder<SentMessageRecord>();
        using (var cmd = c.CreateCommand())
        {
            // Customers as they are now, so that their purchases (stored under the survivor of any merge) line up.
            cmd.CommandText = $"SELECT message_id, provider_id, {string.Format(null, Current, "d.customer_id")}, channel, journey, campaign, node, branch, segment, status, sent_at FROM deliveries d WHERE campaign = @c ORDER BY sent_at";
            cmd.Parameters.AddWithValue("@c", campaign);
            using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                sends.Add(ReadSend(r));
            }
        }
        var facts = ImmutableArray.CreateBuilder<EngagementFact>();
        var purchases = ImmutableArray.CreateBuilder<PurchaseFact>();
        if (sends.Count == 0)
        {
            return new CampaignFacts(sends.ToImmutable(), facts.ToImmutable(), purchases.ToImmutable());
        }
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT g.event_id, g.message_id, g.kind, g.at FROM engagement g JOIN deliveries d ON d.message_id = g.message_id WHERE d.campaign = @c";
            cmd.Parameters.AddWithValue("@c", campaign);
            using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                facts.Add(new EngagementFact(r.GetString(0), r.GetString(1), (EngagementKind)r.GetInt32(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))));
            }
        }
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT customer_id, body FROM events WHERE type = @t AND ts BETWEEN @from AND @to AND customer_id IN (SELECT value FROM json_each(@k))";
            cmd.Parameters.AddWithValue("@t", (int)EventType.Order);
            cmd.Parameters.AddWithValue("@from", sends[0].SentAt.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("@to", (sends[^1].SentAt + window).ToUnixTimeMilliseconds());
            cmd.Parameters.Add(Keys("@k", sends.Select(s => s.Customer.Value).Distinct()));
            using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var e = JsonSerializer.Deserialize<CustomerEvent>(r.GetString(1), DomainJson.Options)!;
                if (e.Order is { IsCancellation: false } order)
                {
                    purchases.Add(new PurchaseFact(CustomerId.Parse(r.GetString(0)), order.OrderId, e.Timestamp, order.AmountMinor, order.Currency));
                }
            }
        }
        return new CampaignFacts(sends.ToImmutable(), facts.ToImmutable(), purchases.ToImmutable());
    }
}
