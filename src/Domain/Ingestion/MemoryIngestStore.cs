using Lodestar.Customers;
using Lodestar.Profiles;

namespace Lodestar.Ingestion;

/// <summary>
/// The ingest port held in memory, for replays and simulations that fold history into profiles without a database
/// (the churn and propensity training, the journey simulator). Not a product store: nothing survives the process.
/// </summary>
public sealed class MemoryIngestStore(bool keepEvents = false) : IIngestStore
{
    private readonly HashSet<string> _messages = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fingerprints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CustomerId> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<CustomerId, CustomerId> _mergedInto = [];
    private readonly Dictionary<CustomerId, Profile> _profiles = [];
    private readonly List<StoredEvent> _events = [];
    private readonly List<QuarantineEntry> _quarantine = [];

    public IReadOnlyDictionary<CustomerId, Profile> Profiles => _profiles;

    public IReadOnlyDictionary<CustomerId, CustomerId> MergedInto => _mergedInto;

    /// <summary>Identity graph keys and the customer each was linked to (follow <see cref="Resolve"/> for survivors).</summary>
    public IReadOnlyDictionary<string, CustomerId> Links => _links;

    /// <summary>Accepted events in commit order, when the store was made with <c>keepEvents</c>.</summary>
    public IReadOnlyList<StoredEvent> Events => _events;

    /// <summary>Quarantined records in commit order, when the store was made with <c>keepEvents</c>.</summary>
    public IReadOnlyList<QuarantineEntry> Quarantine => _quarantine;

    public Task<IngestSnapshot> LoadAsync(IngestKeys keys, CancellationToken cancellationToken)
    {
        var links = keys.GraphKeys.Where(_links.ContainsKey).ToDictionary(k => k, k => Resolve(_links[k]), StringComparer.Ordinal);
        var profiles = links.Values.Distinct().Where(_profiles.ContainsKey).ToDictionary(c => c, c => _profiles[c]);
        return Task.FromResult(new IngestSnapshot(
            keys.MessageIds.Where(_messages.Contains).ToHashSet(StringComparer.Ordinal),
            keys.Fingerprints.Where(_fingerprints.Contains).ToHashSet(StringComparer.Ordinal),
            links,
            profiles));
    }

    public Task CommitAsync(IngestChanges changes, CancellationToken cancellationToken)
    {
        foreach (var e in changes.Events)
        {
            _messages.Add(e.Event.MessageId);
            if (keepEvents)
            {
                _events.Add(e);
            }
        }
        foreach (var q in changes.Quarantine)
        {
            _messages.Add(q.MessageId);
            if (keepEvents)
            {
                _quarantine.Add(q);
            }
        }
        _fingerprints.UnionWith(changes.Fingerprints);
        foreach (var (graphKey, customer, _) in changes.NewLinks)
        {
            _links[graphKey] = customer;
        }
        foreach (var merge in changes.Merges)
        {
            _mergedInto[merge.Merged] = merge.Survivor;
            _profiles.Remove(merge.Merged);
        }
        foreach (var profile in changes.Profiles)
        {
            _profiles[profile.Id] = profile;
        }
        return Task.CompletedTask;
    }

    /// <summary>The customer an id now belongs to, after merges.</summary>
    public CustomerId Resolve(CustomerId id)
    {
        while (_mergedInto.TryGetValue(id, out var next))
        {
            id = next;
        }
        return id;
    }
}
