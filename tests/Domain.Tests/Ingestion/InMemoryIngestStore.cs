using Lodestar.Customers;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;

namespace Lodestar.Tests.Ingestion;

/// <summary>
/// A test double of the <see cref="IIngestStore"/> port, honouring its contract: a commit is all or nothing; merges
/// re-point the merged customer's links and events to the survivor and delete its profile; profiles carry an optimistic
/// version and a save over a newer one is a <see cref="ConcurrencyConflictException"/>; message ids of stored and
/// quarantined records are known to later loads.
/// </summary>
internal sealed class InMemoryIngestStore : IIngestStore
{
    private readonly List<StoredEvent> _events = [];
    private readonly List<QuarantineEntry> _quarantine = [];
    private readonly List<MergeRecord> _merges = [];
    private readonly Dictionary<string, (CustomerId Customer, Identifier Id)> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<CustomerId, Profile> _profiles = [];
    private readonly HashSet<string> _fingerprints = new(StringComparer.Ordinal);

    /// <summary>The next this many commits fail as if another writer had saved a profile first.</summary>
    public int ConflictingCommits { get; set; }

    /// <summary>Runs once at the start of the next commit: another writer getting in between a load and a commit.</summary>
    public Func<Task>? BeforeNextCommit { get; set; }

    public int Commits { get; private set; }

    public IReadOnlyList<StoredEvent> Events => _events;

    public IReadOnlyList<QuarantineEntry> Quarantine => _quarantine;

    public IReadOnlyList<MergeRecord> Merges => _merges;

    public IReadOnlyDictionary<CustomerId, Profile> Profiles => _profiles;

    public IReadOnlyDictionary<string, (CustomerId Customer, Identifier Id)> Links => _links;

    public CustomerId CustomerOf(Identifier id) => _links[id.GraphKey].Customer;

    public Profile ProfileOf(Identifier id) => _profiles[CustomerOf(id)];

    /// <summary>Identifiers grouped by the customer they link to: the identity graph's partition.</summary>
    public IEnumerable<IGrouping<CustomerId, string>> Clusters => _links.GroupBy(l => l.Value.Customer, l => l.Key);

    public Task<IngestSnapshot> LoadAsync(IngestKeys keys, CancellationToken cancellationToken)
    {
        var known = _events.Select(e => e.Event.MessageId).Concat(_quarantine.Select(q => q.MessageId)).Where(keys.MessageIds.Contains);
        var links = keys.GraphKeys.Where(_links.ContainsKey).ToDictionary(k => k, k => _links[k].Customer, StringComparer.Ordinal);
        var profiles = links.Values.Distinct().ToDictionary(c => c, c => _profiles[c]);
        return Task.FromResult(new IngestSnapshot(
            known.ToHashSet(StringComparer.Ordinal),
            keys.Fingerprints.Where(_fingerprints.Contains).ToHashSet(StringComparer.Ordinal),
            links,
            profiles));
    }

    public async Task CommitAsync(IngestChanges changes, CancellationToken cancellationToken)
    {
        if (BeforeNextCommit is { } other)
        {
            BeforeNextCommit = null;
            await other();
        }
        // Check everything before changing anything: a commit is atomic.
        if (ConflictingCommits > 0)
        {
            ConflictingCommits--;
            throw new ConcurrencyConflictException("simulated: another writer saved a profile of this batch");
        }
        var merged = changes.Merges.Select(m => m.Merged).ToHashSet();
        foreach (var p in changes.Profiles)
        {
            var stored = _profiles.TryGetValue(p.Id, out var s) ? s.Version : 0;
            if (stored != p.Version)
            {
                throw new ConcurrencyConflictException($"profile {p.Id} is at version {stored}, the batch read {p.Version}");
            }
            if (merged.Contains(p.Id))
            {
                throw new InvalidOperationException($"the batch both merges away and saves {p.Id}");
            }
        }
        var ids = changes.Events.Select(e => e.Event.MessageId).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count || ids.Any(id => _events.Any(e => e.Event.MessageId == id)))
        {
            throw new InvalidOperationException("an event would be stored twice");
        }

        Commits++;
        _events.AddRange(changes.Events);
        _quarantine.AddRange(changes.Quarantine);
        foreach (var m in changes.Merges)
        {
            foreach (var key in _links.Where(l => l.Value.Customer == m.Merged).Select(l => l.Key).ToList())
            {
                _links[key] = (m.Survivor, _links[key].Id);
            }
            for (var i = 0; i < _events.Count; i++)
            {
                if (_events[i].Customer == m.Merged)
                {
                    _events[i] = _events[i] with { Customer = m.Survivor };
                }
            }
            _profiles.Remove(m.Merged);
            _merges.Add(m);
        }
        foreach (var (key, customer, id) in changes.NewLinks)
        {
            _links[key] = (customer, id);
        }
        foreach (var p in changes.Profiles)
        {
            _profiles[p.Id] = p with { Version = p.Version + 1 };
        }
        _fingerprints.UnionWith(changes.Fingerprints);
    }
}
