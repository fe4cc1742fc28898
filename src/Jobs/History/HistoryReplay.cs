using System.Collections.Immutable;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Ingestion;
using Lodestar.Learning.Replay;
using Lodestar.Profiles;
using Lodestar.Tags;

namespace Lodestar.Jobs.History;

/// <summary>
/// Profiles replayed from a history: one snapshot per instant asked for, the earliest event seen, and for each
/// replayed customer one of its identity graph keys, by which the customer is found in the live store.
/// </summary>
internal sealed record ReplayedHistory(
    ImmutableDictionary<DateTimeOffset, ProfileSnapshot> Snapshots,
    DateTimeOffset? Earliest,
    int Events,
    ImmutableDictionary<CustomerId, string> GraphKeys)
{
    public ProfileSnapshot this[DateTimeOffset at] => Snapshots[at];

    /// <summary>
    /// Maps replayed customers to the live store's ids through their identifiers. The two need not agree on ids: a
    /// customer's id comes from the identifier that created it, and the store met the events in arrival order, the
    /// replay in timestamp order. Customers the store does not know (erased since) are left out; when several replayed
    /// customers are one in the store, the entry <paramref name="prefer"/> ranks highest is kept.
    /// </summary>
    public async Task<Dictionary<CustomerId, T>> ToStoreAsync<T>(IProfileStore store, IEnumerable<(CustomerId Replayed, T Value)> values,
        Func<T, double> prefer, CancellationToken cancellationToken)
    {
        var result = new Dictionary<CustomerId, T>();
        foreach (var (replayed, value) in values)
        {
            if (GraphKeys.TryGetValue(replayed, out var key) && await store.FindAsync(key, cancellationToken) is { } id
                && (!result.TryGetValue(id, out var kept) || prefer(value) > prefer(kept)))
            {
                result[id] = value;
            }
        }
        return result;
    }
}

/// <summary>
/// Replays cleaned, stored events through the product's own ingest use case (identity resolution, merges, profile
/// fold) in timestamp order and copies the profiles at each instant, as <see cref="ProfileReplay"/> does for raw
/// events; a snapshot at <c>t</c> holds exactly the events before <c>t</c>. The events were cleaned when they were
/// accepted, so they are not cleaned again, and their identifiers keep the store's keys.
/// </summary>
internal static class HistoryReplay
{
    private const int BatchSize = 1_000;

    /// <summary>The features read counters and instants, never tags, so the replay skips the real-time tag rules.</summary>
    private static readonly TagRuleSet NoTagRules = TagRuleSet.Parse("[]").Value!;

    public static async Task<ReplayedHistory> RunAsync(IEventHistory history, IEnumerable<DateTimeOffset> at, CancellationToken cancellationToken)
    {
        var instants = at.Distinct().Order().ToArray();
        if (instants.Length == 0)
        {
            throw new ArgumentException("at least one instant is needed", nameof(at));
        }
        var events = new List<CustomerEvent>();
        await foreach (var e in history.ReadAsync(instants[^1], cancellationToken))
        {
            if (e.Timestamp < instants[^1])
            {
                events.Add(e);
            }
        }
        var ordered = events.Select((e, i) => (Event: e, Order: i)).OrderBy(x => x.Event.Timestamp).ThenBy(x => x.Order).Select(x => x.Event).ToList();
        var store = new MemoryIngestStore();
        var clock = new ReplayClock();
        var ingest = new IngestEvents(store, NoTagRules, clock);
        var snapshots = ImmutableDictionary.CreateBuilder<DateTimeOffset, ProfileSnapshot>();
        var next = 0;
        var batch = new List<CleanResult>(BatchSize);
        foreach (var instant in instants)
        {
            while (next < ordered.Count && ordered[next].Timestamp < instant)
            {
                batch.Add(new CleanResult(ordered[next++], []));
                if (batch.Count == BatchSize)
                {
                    await IngestAsync();
                }
            }
            await IngestAsync();
            snapshots[instant] = new ProfileSnapshot(instant, store.Profiles.ToImmutableDictionary(), store.MergedInto.ToImmutableDictionary());
        }
        return new ReplayedHistory(snapshots.ToImmutable(), ordered.Count > 0 ? ordered[0].Timestamp : null, ordered.Count, GraphKeys(store));

        async Task IngestAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }
            clock.Now = batch[^1].Event.Timestamp;
            await ingest.IngestAsync(batch, cancellationToken);
            batch.Clear();
        }
    }

    /// <summary>The ordinally first graph key of every surviving customer: deterministic, whatever the dictionary's order.</summary>
    private static ImmutableDictionary<CustomerId, string> GraphKeys(MemoryIngestStore store)
    {
        var keys = new Dictionary<CustomerId, string>();
        foreach (var (key, customer) in store.Links)
        {
            var survivor = store.Resolve(customer);
            if (!keys.TryGetValue(survivor, out var kept) || string.CompareOrdinal(key, kept) < 0)
            {
                keys[survivor] = key;
            }
        }
        return keys.ToImmutableDictionary();
    }

    /// <summary>The real-time tag rules read "now": during a replay it is the time of the batch's last event.</summary>
    private sealed class ReplayClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

}
