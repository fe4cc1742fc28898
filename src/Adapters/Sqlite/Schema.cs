namespace Lodestar.Sqlite;

/// <summary>The store's tables. Profiles and events share the customer id, as in the Cosmos layout.</summary>
internal static class Schema
{
    public const int Version = 1;

    public const string Create = """
        -- Rows append in arrival order (seq); only the small indexes take random inserts.
        CREATE TABLE IF NOT EXISTS events (
            seq         INTEGER PRIMARY KEY,
            message_id  TEXT NOT NULL UNIQUE,
            customer_id TEXT NOT NULL,
            type        INTEGER NOT NULL,
            name        TEXT,
            ts          INTEGER NOT NULL,
            body        TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_by_customer ON events (customer_id, ts);

        CREATE TABLE IF NOT EXISTS quarantine (
            id          INTEGER PRIMARY KEY,
            message_id  TEXT NOT NULL,
            line        INTEGER NOT NULL,
            source      TEXT NOT NULL,
            reasons     TEXT NOT NULL,
            detail      TEXT NOT NULL,
            record      TEXT NOT NULL,
            received    INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS quarantine_by_message ON quarantine (message_id);

        CREATE TABLE IF NOT EXISTS identities (
            graph_key   TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            kind        INTEGER NOT NULL,
            display     TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS identities_by_customer ON identities (customer_id);

        CREATE TABLE IF NOT EXISTS profiles (
            customer_id TEXT PRIMARY KEY,
            version     INTEGER NOT NULL,
            body        TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS aliases (
            old_id      TEXT PRIMARY KEY,
            new_id      TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS merges (
            id          INTEGER PRIMARY KEY,
            survivor    TEXT NOT NULL,
            merged      TEXT NOT NULL,
            via         TEXT NOT NULL,
            reason      TEXT NOT NULL,
            at          INTEGER NOT NULL,
            message_id  TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS merges_by_survivor ON merges (survivor);

        CREATE TABLE IF NOT EXISTS runs (
            kind        TEXT NOT NULL,
            period      TEXT NOT NULL,
            step        TEXT NOT NULL,
            outcome     TEXT NOT NULL,
            at          INTEGER NOT NULL,
            PRIMARY KEY (kind, period, step)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS fingerprints (
            key         TEXT PRIMARY KEY,
            at          INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- The delivery ledger (one row per message a sender took) and the feedback loop's engagement facts and dead letters.
        CREATE TABLE IF NOT EXISTS deliveries (
            message_id  TEXT PRIMARY KEY,
            provider_id TEXT,
            customer_id TEXT NOT NULL,
            channel     INTEGER NOT NULL,
            journey     TEXT NOT NULL,
            campaign    TEXT NOT NULL,
            node        TEXT NOT NULL,
            branch      TEXT,
            segment     TEXT,
            status      INTEGER NOT NULL,
            sent_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS deliveries_by_provider ON deliveries (provider_id);
        CREATE INDEX IF NOT EXISTS deliveries_by_campaign ON deliveries (campaign, sent_at);
        CREATE INDEX IF NOT EXISTS deliveries_by_customer ON deliveries (customer_id);

        CREATE TABLE IF NOT EXISTS engagement (
            event_id    TEXT PRIMARY KEY,
            message_id  TEXT NOT NULL,
            kind        INTEGER NOT NULL,
            at          INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS engagement_by_message ON engagement (message_id);

        CREATE TABLE IF NOT EXISTS dead_letters (
            event_id    TEXT PRIMARY KEY,
            event_type  TEXT NOT NULL,
            reason      TEXT NOT NULL,
            detail      TEXT NOT NULL,
            received    INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;
}
