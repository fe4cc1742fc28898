using System.Collections.Immutable;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;

namespace Lodestar.Cosmos;

/// <summary>
/// One ingest batch split by customer: each saved profile carries, as its pending commit, the events, new links and
/// merges of that customer (and the batch's fingerprints ride with the first one). What belongs to no saved profile is
/// loose and written directly.
/// </summary>
internal sealed record CommitPlan(IReadOnlyList<CommitPlan.Item> Profiles, IReadOnlyList<(CustomerId? Customer, PendingCommit Pending)> Loose)
{
    public sealed record Item(Profile Profile, PendingCommit? Pending, IReadOnlyList<MergeRecord> Merges);

    public static CommitPlan Of(IngestChanges changes)
    {
        var events = changes.Events.ToLookup(e => e.Customer, e => e.Event);
        var links = changes.NewLinks.ToLookup(l => l.Customer, l => new PendingLink(l.GraphKey, l.Id.Kind, l.Id.Display));
        var merges = changes.Merges.ToLookup(m => m.Survivor);
        var saved = changes.Profiles.Select(p => p.Id).ToHashSet();
        var fingerprints = changes.Fingerprints.ToImmutableArray();
        var items = new List<Item>(changes.Profiles.Count);
        foreach (var profile in changes.Profiles)
        {
            var pending = new PendingCommit([.. events[profile.Id]], [.. links[profile.Id]], [.. merges[profile.Id]], items.Count == 0 ? fingerprints : []);
            items.Add(new Item(profile, IsEmpty(pending) ? null : pending, pending.Merges));
        }
        var loose = events.Select(g => g.Key).Concat(links.Select(g => g.Key)).Concat(merges.Select(g => g.Key))
            .Where(c => !saved.Contains(c)).Distinct()
            .Select(c => ((CustomerId?)c, new PendingCommit([.. events[c]], [.. links[c]], [.. merges[c]], [])))
            .ToList();
        if (items.Count == 0 && fingerprints.Length > 0)
        {
            loose.Add((null, new PendingCommit([], [], [], fingerprints)));
        }
        return new CommitPlan(items, loose);
    }

    private static bool IsEmpty(PendingCommit p) => p.Events.IsEmpty && p.Links.IsEmpty && p.Merges.IsEmpty && p.Fingerprints.IsEmpty;
}
