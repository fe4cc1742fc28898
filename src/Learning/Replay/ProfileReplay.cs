using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Tags;

namespace Lodestar.Learning.Replay;

/// <summary>
/// The profiles as they stood at <see cref="At"/>: built from every event with a timestamp before it. Customers merged
/// by then are found under their survivor through <see cref="Find"/>.
/// </summary>
public sealed class ProfileSnapshot(DateTimeOffset at, ImmutableDictionary<CustomerId, Profile> profiles, ImmutableDictionary<CustomerId, CustomerId> mergedInto)
{
    public DateTimeOffset At => at;

    public ImmutableDictionary<CustomerId, Profile> Profiles => profiles;

    /// <summary>The surviving customer id of <paramref name="id"/> at this instant (itself when never merged).</summary>
    public CustomerId Resolve(CustomerId id)
    {
        while (mergedInto.TryGetValue(id, out var next))
        {
            id = next;
        }
        return id;
    }

    /// <summary>The profile that holds <paramref name="id"/>'s history at this instant, or null when it had no event yet.</summary>
    public Profile? Find(CustomerId id) => profiles.GetValueOrDefault(Resolve(id));
}

/// <summary>
/// Rebuilds profiles as they stood at past instants, for training: the events go through the product's own path (the
/// Cleaner, then the ingest use case with identity resolution and merges) in timestamp order, and the profiles are
/// copied at each requested instant. Profiles are immutable, so a copy is a dictionary, not a deep clone. The store
/// here holds only what ingest needs in memory; it is not a product store and keeps no events.
/// </summary>
public sealed class ProfileReplay
{
    public const int BatchSize = 1_000;

    /// <summary>A fixed key: replayed profiles hold only identity hashes made with it, never raw identifiers.</summary>
    private static readonly byte[] ReplayKey = SHA256.HashData(Encoding.UTF8.GetBytes("lodestar learning replay"));

    private readonly Cleaner _cleaner = new(new PiiProtector(ReplayKey), CleaningOptions.Default);

    /// <summary>
    /// Cleans <paramref name="events"/> as received at <paramref name="receivedAt"/> and returns one snapshot per
    /// instant of <paramref name="at"/>, in ascending order. Events at or after the last instant are not ingested.
    /// </summary>
    public async Task<ImmutableArray<ProfileSnapshot>> RunAsync(IEnumerable<RawEvent> events, DateTimeOffset receivedAt,
        IEnumerable<DateTimeOffset> at, CancellationToken cancellationToken)
    {
        var instants = at.Distinct().Order().ToArray();
        if (instants.Length == 0)
        {
            return [];
        }
        var end = instants[^1];
        var cleaned = events.Where(e => e.Timestamp < end)
            .Select(e => _cleaner.Clean(e, receivedAt))
            .Where(r => !r.Quarantined)
            .Select((r, i) => (Result: r, Order: i))
            .OrderBy(x => x.Result.Event.Timestamp).ThenBy(x => x.Order)
            .Select(x => x.Result)
            .ToList();
        var store = new MemoryIngestStore();
        var clock = new ReplayClock();
        var ingest = new IngestEvents(store, TagRuleSet.Default, clock);
        var snapshots = ImmutableArray.CreateBuilder<ProfileSnapshot>(instants.Length);
        var next = 0;
        foreach (var instant in instants)
        {
            var batch = new List<CleanResult>(BatchSize);
            while (next < cleaned.Count && cleaned[next].Event.Timestamp < instant)
            {
                batch.Add(cleaned[next++]);
                if (batch.Count == BatchSize)
                {
                    await Ingest(batch);
                }
            }
            await Ingest(batch);
            snapshots.Add(new ProfileSnapshot(instant, store.Profiles.ToImmutableDictionary(), store.MergedInto.ToImmutableDictionary()));
        }
        return snapshots.MoveToImmutable();

        async Task Ingest(List<CleanResult> batch)
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

    /// <summary>The real-time tag rules read "now": during a replay it is the time of the batch's last event.</summary>
    private sealed class ReplayClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

}
