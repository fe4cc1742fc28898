using System.Collections.Immutable;

namespace Lodestar.Ingestion;

/// <summary>What happened to one record: applied to a profile, kept in quarantine, or already known (no change).</summary>
public enum Outcome { Accepted, Quarantined, Duplicate }

public sealed record ItemResult(string MessageId, Outcome Outcome, string? CustomerId, ImmutableArray<string> Reasons);

/// <summary>The result of one ingest batch, item by item in input order.</summary>
public sealed record IngestReport(ImmutableArray<ItemResult> Items, int Merges)
{
    public int Accepted => Items.Count(i => i.Outcome == Outcome.Accepted);

    public int Quarantined => Items.Count(i => i.Outcome == Outcome.Quarantined);

    public int Duplicates => Items.Count(i => i.Outcome == Outcome.Duplicate);
}
