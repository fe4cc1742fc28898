using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;

namespace Lodestar.Tests;

/// <summary>The ingest port in memory, for tests of the use cases that drive it (not a product store).</summary>
internal sealed class InMemoryIngestStore : IIngestStore
{
    private readonly HashSet<string> _messages = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fingerprints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CustomerId> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<CustomerId, CustomerId> _mergedInto = [];
    private readonly Dictionary<CustomerId, Profile> _profiles = [];

    public List<StoredEvent> Events { get; } = [];

    public List<QuarantineEntry> Quarantine { get; } = [];

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
            Events.Add(e);
        }
        foreach (var q in changes.Quarantine)
        {
            _messages.Add(q.MessageId);
            Quarantine.Add(q);
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

    private CustomerId Resolve(CustomerId id)
    {
        while (_mergedInto.TryGetValue(id, out var next))
        {
            id = next;
        }
        return id;
    }
}
