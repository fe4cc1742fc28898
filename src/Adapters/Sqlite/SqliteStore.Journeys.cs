using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;
using Microsoft.Data.Sqlite;

namespace Lodestar.Sqlite;

/// <summary>The persisted journey driver's store: definitions, instances, step log, outbox and the event feed cursor.</summary>
public sealed partial class SqliteStore : IJourneyStore
{
    private const string InstanceColumns = "state, wake_at, awaited_node";

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public Task<PublishOutcome> PublishAsync(PublishedJourney journey, CancellationToken cancellationToken) =>
        Write(tx =>
        {
            using (var find = _writer.CreateCommand())
            {
                find.Transaction = tx;
                find.CommandText = "SELECT json FROM journey_definitions WHERE id = @i AND version = @v";
                find.Parameters.AddWithValue("@i", journey.Id);
                find.Parameters.AddWithValue("@v", journey.Version);
                if (find.ExecuteScalar() is string existing)
                {
                    return string.Equals(existing, journey.Json, StringComparison.Ordinal) ? PublishOutcome.Unchanged : PublishOutcome.VersionTaken;
                }
            }
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO journey_definitions (id, version, name, json, published) VALUES (@i, @v, @n, @j, @p)";
            cmd.Parameters.AddWithValue("@i", journey.Id);
            cmd.Parameters.AddWithValue("@v", journey.Version);
            cmd.Parameters.AddWithValue("@n", journey.Name);
            cmd.Parameters.AddWithValue("@j", journey.Json);
            cmd.Parameters.AddWithValue("@p", Ms(journey.PublishedAt));
            cmd.ExecuteNonQuery();
            return PublishOutcome.Published;
        }, cancellationToken);

    public async Task<IReadOnlyList<PublishedJourney>> DefinitionsAsync(CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, version, name, json, published FROM journey_definitions ORDER BY published, id, version";
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<PublishedJourney>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new PublishedJourney(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), At(r.GetInt64(4))));
        }
        return list;
    }

    public async Task<IReadOnlyList<StoredInstance>> InstancesAsync(IReadOnlyCollection<CustomerId> customers, CancellationToken cancellationToken)
    {
        if (customers.Count == 0)
        {
            return [];
        }
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {InstanceColumns} FROM journey_instances WHERE customer_id IN (SELECT value FROM json_each(@k))";
        cmd.Parameters.Add(Keys("@k", customers.Select(x => x.Value).Distinct()));
        return await ReadInstances(cmd, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredInstance>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {InstanceColumns} FROM journey_instances WHERE wake_at IS NOT NULL AND wake_at <= @now ORDER BY wake_at LIMIT @n";
        cmd.Parameters.AddWithValue("@now", Ms(now));
        cmd.Parameters.AddWithValue("@n", limit);
        return await ReadInstances(cmd, cancellationToken);
    }

    public async Task<DateTimeOffset?> NextWakeAsync(CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT min(wake_at) FROM journey_instances WHERE wake_at IS NOT NULL";
        return await cmd.ExecuteScalarAsync(cancellationToken) is long ms ? At(ms) : null;
    }

    private static async Task<IReadOnlyList<StoredInstance>> ReadInstances(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<StoredInstance>();
        while (await r.ReadAsync(cancellationToken))
        {
            var state = JsonSerializer.Deserialize<JourneyState>(r.GetString(0), DomainJson.Options)!;
            list.Add(new StoredInstance(state, r.IsDBNull(1) ? null : At(r.GetInt64(1)), r.IsDBNull(2) ? null : r.GetString(2)));
        }
        return list;
    }

    public Task SaveAsync(JourneyChanges changes, CancellationToken cancellationToken)
    {
        if (changes.IsEmpty)
        {
            return Task.CompletedTask;
        }
        return Write(tx =>
        {
            var customers = changes.Instances.ToDictionary(i => i.State.InstanceId, i => i.State.Customer.Value, StringComparer.Ordinal);
            using (var upsert = _writer.CreateCommand())
            {
                upsert.Transaction = tx;
                upsert.CommandText = """
                    INSERT INTO journey_instances (instance_id, journey_id, version, customer_id, status, wake_at, awaited_node, state)
                    VALUES (@i, @j, @v, @c, @s, @w, @a, @st)
                    ON CONFLICT (instance_id) DO UPDATE SET status = excluded.status, wake_at = excluded.wake_at,
                        awaited_node = excluded.awaited_node, state = excluded.state
                    """;
                var p = Params(upsert, "@i", "@j", "@v", "@c", "@s", "@w", "@a", "@st");
                foreach (var i in changes.Instances)
                {
                    var s = i.State;
                    Set(p, s.InstanceId, s.JourneyId, s.Version, s.Customer.Value, (int)s.Status, i.WakeAt is { } w ? Ms(w) : null, i.AwaitedNode, Json(s));
                    upsert.ExecuteNonQuery();
                }
            }
            using (var log = _writer.CreateCommand())
            {
                log.Transaction = tx;
                log.CommandText = "INSERT INTO journey_log (customer_id, instance_id, at, node, outcome, detail, reason) VALUES (@c, @i, @at, @n, @o, @d, @r)";
                var p = Params(log, "@c", "@i", "@at", "@n", "@o", "@d", "@r");
                foreach (var e in changes.Log)
                {
                    Set(p, customers.GetValueOrDefault(e.InstanceId, ""), e.InstanceId, Ms(e.At), e.Node, e.Outcome.ToString(), e.Detail, e.Reason);
                    log.ExecuteNonQuery();
                }
            }
            using (var outbox = _writer.CreateCommand())
            {
                outbox.Transaction = tx;
                // The key is unique: a replayed step finds its message already queued and adds nothing.
                outbox.CommandText = """
                    INSERT INTO journey_outbox (idempotency_key, message_id, instance_id, customer_id, channel, template, offer, transactional,
                        journey_id, campaign, node, not_before, created)
                    VALUES (@k, @m, @i, @c, @ch, @t, @o, @tr, @j, @ca, @n, @nb, @cr)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """;
                var p = Params(outbox, "@k", "@m", "@i", "@c", "@ch", "@t", "@o", "@tr", "@j", "@ca", "@n", "@nb", "@cr");
                foreach (var m in changes.Outbox)
                {
                    Set(p, m.IdempotencyKey, m.MessageId, m.InstanceId, m.Customer.Value, m.Channel.Name(), m.Template, m.Offer, m.Transactional ? 1 : 0,
                        m.JourneyId, m.Campaign, m.Node, Ms(m.NotBefore), Ms(m.CreatedAt));
                    outbox.ExecuteNonQuery();
                }
            }
            if (!changes.Members.IsEmpty)
            {
                using var add = _writer.CreateCommand();
                add.Transaction = tx;
                add.CommandText = "INSERT INTO journey_segment_members (journey_id, customer_id) VALUES (@j, @c) ON CONFLICT DO NOTHING";
                var pa = Params(add, "@j", "@c");
                using var remove = _writer.CreateCommand();
                remove.Transaction = tx;
                remove.CommandText = "DELETE FROM journey_segment_members WHERE journey_id = @j AND customer_id = @c";
                var pr = Params(remove, "@j", "@c");
                foreach (var m in changes.Members)
                {
                    var (cmd, p) = m.Member ? (add, pa) : (remove, pr);
                    Set(p, m.JourneyId, m.Customer.Value);
                    cmd.ExecuteNonQuery();
                }
            }
            foreach (var tick in changes.Ticks)
            {
                using var cmd = _writer.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO journey_feed (name, seq) VALUES (@n, @s) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq";
                cmd.Parameters.AddWithValue("@n", SchedulePrefix + tick.JourneyId);
                cmd.Parameters.AddWithValue("@s", Ms(tick.Next));
                cmd.ExecuteNonQuery();
            }
            if (changes.FeedCursor is { } cursor)
            {
                using var cmd = _writer.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO journey_feed (name, seq) VALUES ('events', @s) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq";
                cmd.Parameters.AddWithValue("@s", cursor);
                cmd.ExecuteNonQuery();
            }
            return 0;
        }, cancellationToken);
    }

    private static SqliteParameter[] Params(SqliteCommand cmd, params string[] names)
    {
        var ps = names.Select(n => cmd.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
        cmd.Prepare();
        return ps;
    }

    private static void Set(SqliteParameter[] ps, params object?[] values)
    {
        for (var i = 0; i < ps.Length; i++)
        {
            ps[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private const string OutboxColumns = "idempotency_key, message_id, instance_id, customer_id, channel, template, offer, transactional, journey_id, campaign, node, not_before, created, sent_at";

    public async Task<IReadOnlyList<OutboxMessage>> HistoryAsync(IReadOnlyCollection<CustomerId> customers, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (customers.Count == 0)
        {
            return [];
        }
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {OutboxColumns} FROM journey_outbox WHERE customer_id IN (SELECT value FROM json_each(@k)) AND created >= @since ORDER BY seq";
        cmd.Parameters.Add(Keys("@k", customers.Select(x => x.Value).Distinct()));
        cmd.Parameters.AddWithValue("@since", Ms(since));
        return await ReadOutbox(cmd, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxMessage>> UnsentAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {OutboxColumns} FROM journey_outbox WHERE sent_at IS NULL AND not_before <= @now ORDER BY seq LIMIT @n";
        cmd.Parameters.AddWithValue("@now", Ms(now));
        cmd.Parameters.AddWithValue("@n", limit);
        return await ReadOutbox(cmd, cancellationToken);
    }

    private static async Task<IReadOnlyList<OutboxMessage>> ReadOutbox(SqliteCommand cmd, CancellationToken cancellationToken)
    {
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<OutboxMessage>();
        while (await r.ReadAsync(cancellationToken))
        {
            Channels.TryParse(r.GetString(4), out var channel);
            list.Add(new OutboxMessage(r.GetString(0), r.GetString(1), r.GetString(2), CustomerId.Parse(r.GetString(3)), channel, r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7) != 0, r.GetString(8), r.GetString(9), r.GetString(10),
                At(r.GetInt64(11)), At(r.GetInt64(12)), r.IsDBNull(13) ? null : At(r.GetInt64(13))));
        }
        return list;
    }

    public Task MarkSentAsync(IReadOnlyCollection<string> idempotencyKeys, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (idempotencyKeys.Count == 0)
        {
            return Task.CompletedTask;
        }
        return Write(tx =>
        {
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE journey_outbox SET sent_at = @at WHERE sent_at IS NULL AND idempotency_key IN (SELECT value FROM json_each(@k))";
            cmd.Parameters.AddWithValue("@at", Ms(at));
            cmd.Parameters.Add(Keys("@k", idempotencyKeys));
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    public async Task<CustomerJourneys> CustomerAsync(CustomerId customer, int maxLogLines, CancellationToken cancellationToken)
    {
        var instances = await InstancesAsync([customer], cancellationToken);
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT at, instance_id, node, outcome, detail, reason FROM (SELECT * FROM journey_log WHERE customer_id = @c ORDER BY id DESC LIMIT @n) ORDER BY id";
        cmd.Parameters.AddWithValue("@c", customer.Value);
        cmd.Parameters.AddWithValue("@n", maxLogLines);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var log = ImmutableArray.CreateBuilder<StepLogEntry>();
        while (await r.ReadAsync(cancellationToken))
        {
            log.Add(new StepLogEntry(At(r.GetInt64(0)), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                Enum.Parse<StepOutcome>(r.GetString(3)), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
        }
        return new CustomerJourneys(customer, [.. instances.OrderBy(i => i.State.EnteredAt)], log.ToImmutable());
    }

    public Task<long> FeedCursorAsync(CancellationToken cancellationToken) =>
        Write(tx =>
        {
            using var cmd = _writer.CreateCommand();
            cmd.Transaction = tx;
            // First use: start at the feed's end, so that events from before journeys existed trigger nothing.
            cmd.CommandText = """
                INSERT INTO journey_feed (name, seq) SELECT 'events', coalesce(max(seq), 0) FROM events WHERE 1 ON CONFLICT (name) DO NOTHING;
                SELECT seq FROM journey_feed WHERE name = 'events';
                """;
            return (long)cmd.ExecuteScalar()!;
        }, cancellationToken);

    public async Task<IReadOnlyList<FedEvent>> EventsAfterAsync(long seq, int limit, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT seq, customer_id, body FROM events WHERE seq > @s ORDER BY seq LIMIT @n";
        cmd.Parameters.AddWithValue("@s", seq);
        cmd.Parameters.AddWithValue("@n", limit);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<FedEvent>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new FedEvent(r.GetInt64(0), CustomerId.Parse(r.GetString(1)), JsonSerializer.Deserialize<CustomerEvent>(r.GetString(2), DomainJson.Options)!));
        }
        return list;
    }

    /// <summary>Schedule ticks share the feed table: one row per journey, its next tick in Unix milliseconds.</summary>
    private const string SchedulePrefix = "schedule:";

    public async Task<IReadOnlyList<SegmentMember>> MembersAsync(IReadOnlyCollection<CustomerId> customers, CancellationToken cancellationToken)
    {
        if (customers.Count == 0)
        {
            return [];
        }
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT journey_id, customer_id FROM journey_segment_members WHERE customer_id IN (SELECT value FROM json_each(@k))";
        cmd.Parameters.Add(Keys("@k", customers.Select(x => x.Value).Distinct()));
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<SegmentMember>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new SegmentMember(r.GetString(0), CustomerId.Parse(r.GetString(1)), true));
        }
        return list;
    }

    public async Task<IReadOnlyList<ScheduleTick>> TicksAsync(CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT name, seq FROM journey_feed WHERE name LIKE '{SchedulePrefix}%'";
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ScheduleTick>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new ScheduleTick(r.GetString(0)[SchedulePrefix.Length..], At(r.GetInt64(1))));
        }
        return list;
    }

    public async Task<IReadOnlyList<Profile>> ProfilesAfterAsync(string after, int limit, CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT version, body FROM profiles WHERE customer_id > @after ORDER BY customer_id LIMIT @n";
        cmd.Parameters.AddWithValue("@after", after);
        cmd.Parameters.AddWithValue("@n", limit);
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<Profile>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(ReadProfile(r, 1, 0));
        }
        return list;
    }

    /// <summary>
    /// What the persisted driver did, per journey: instances by status, outbox messages by channel, and suppressed sends
    /// by reason (from the step log). For summaries (the demo), not for the driver.
    /// </summary>
    public async Task<IReadOnlyList<JourneyCount>> JourneyCountsAsync(CancellationToken cancellationToken)
    {
        await using var c = OpenReader();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT 'status', journey_id, status, count(*) FROM journey_instances GROUP BY journey_id, status
            UNION ALL SELECT 'channel', journey_id, channel, count(*) FROM journey_outbox GROUP BY journey_id, channel
            UNION ALL SELECT 'suppressed', i.journey_id, coalesce(l.reason, 'unspecified'), count(*)
                FROM journey_log l JOIN journey_instances i ON i.instance_id = l.instance_id WHERE l.outcome = 'Suppressed' GROUP BY i.journey_id, l.reason
            """;
        using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<JourneyCount>();
        while (await r.ReadAsync(cancellationToken))
        {
            var kind = r.GetString(0);
            var key = kind == "status" ? ((JourneyStatus)r.GetInt32(2)).ToString() : r.GetString(2);
            list.Add(new JourneyCount(kind, r.GetString(1), key, r.GetInt64(3)));
        }
        return list;
    }
}

/// <summary>A count of the persisted driver's work: <see cref="Kind"/> is status, channel or suppressed; <see cref="Key"/> the status, channel or reason.</summary>
public sealed record JourneyCount(string Kind, string Journey, string Key, long Count);
