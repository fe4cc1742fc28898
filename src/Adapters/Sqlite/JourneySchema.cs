namespace Lodestar.Sqlite;

/// <summary>
/// The persisted journey driver's tables. An instance row holds its state (JSON) and wake time; the outbox's
/// idempotency key is unique, so a replayed step can never queue a message twice.
/// </summary>
internal static class JourneySchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS journey_definitions (
            id          TEXT NOT NULL,
            version     INTEGER NOT NULL,
            name        TEXT NOT NULL,
            json        TEXT NOT NULL,
            published   INTEGER NOT NULL,
            PRIMARY KEY (id, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS journey_instances (
            instance_id  TEXT PRIMARY KEY,
            journey_id   TEXT NOT NULL,
            version      INTEGER NOT NULL,
            customer_id  TEXT NOT NULL,
            status       INTEGER NOT NULL,
            wake_at      INTEGER,
            awaited_node TEXT,
            state        TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS journey_instances_by_wake ON journey_instances (wake_at) WHERE wake_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS journey_instances_by_customer ON journey_instances (customer_id);

        CREATE TABLE IF NOT EXISTS journey_log (
            id          INTEGER PRIMARY KEY,
            customer_id TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            at          INTEGER NOT NULL,
            node        TEXT,
            outcome     TEXT NOT NULL,
            detail      TEXT NOT NULL,
            reason      TEXT
        );
        CREATE INDEX IF NOT EXISTS journey_log_by_customer ON journey_log (customer_id, id);

        CREATE TABLE IF NOT EXISTS journey_outbox (
            seq             INTEGER PRIMARY KEY,
            idempotency_key TEXT NOT NULL UNIQUE,
            message_id      TEXT NOT NULL,
            instance_id     TEXT NOT NULL,
            customer_id     TEXT NOT NULL,
            channel         TEXT NOT NULL,
            template        TEXT NOT NULL,
            offer           TEXT,
            transactional   INTEGER NOT NULL,
            journey_id      TEXT NOT NULL,
            campaign        TEXT NOT NULL,
            node            TEXT NOT NULL,
            not_before      INTEGER NOT NULL,
            created         INTEGER NOT NULL,
            sent_at         INTEGER
        );
        CREATE INDEX IF NOT EXISTS journey_outbox_unsent ON journey_outbox (seq) WHERE sent_at IS NULL;
        CREATE INDEX IF NOT EXISTS journey_outbox_by_customer ON journey_outbox (customer_id, created);

        -- Segment-entry journeys: who the driver last saw in the segment, so that it enters those who join it.
        CREATE TABLE IF NOT EXISTS journey_segment_members (
            journey_id  TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            PRIMARY KEY (customer_id, journey_id)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS journey_feed (
            name        TEXT PRIMARY KEY,
            seq         INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;
}
