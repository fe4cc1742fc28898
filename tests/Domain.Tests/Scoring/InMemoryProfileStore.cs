using System.Runtime.CompilerServices;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;

namespace Lodestar.Tests.Scoring;

/// <summary>
/// A profile store with the optimistic versions of the real ones: a save over a newer stored version is refused and
/// its id returned. <see cref="BeforeNextSave"/> lets a test play the ingestion that gets in between a read and a save.
/// </summary>
internal sealed class InMemoryProfileStore : IProfileStore
{
    private readonly SortedDictionary<string, Profile> _profiles = new(StringComparer.Ordinal);

    public InMemoryProfileStore(IEnumerable<Profile> profiles)
    {
        foreach (var p in profiles)
        {
            _profiles[p.Id.Value] = p with { Version = 1 };
        }
    }

    /// <summary>Runs once, at the start of the next save.</summary>
    public Action<InMemoryProfileStore>? BeforeNextSave { get; set; }

    public int Saves { get; private set; }

    public int ProfilesWritten { get; private set; }

    public IReadOnlyCollection<Profile> All => _profiles.Values;

    public Profile this[CustomerId id] => _profiles[id.Value];

    /// <summary>Another writer's change: stored with the next version, as ingestion would.</summary>
    public void Touch(CustomerId id, Func<Profile, Profile> change)
    {
        var current = _profiles[id.Value];
        _profiles[id.Value] = change(current) with { Version = current.Version + 1 };
    }

    public Task<Profile?> GetAsync(CustomerId id, CancellationToken cancellationToken) =>
        Task.FromResult(_profiles.GetValueOrDefault(id.Value));

    public Task<CustomerId?> FindAsync(string graphKey, CancellationToken cancellationToken) => Task.FromResult<CustomerId?>(null);

    public Task<IReadOnlyList<MergeRecord>> MergesAsync(CustomerId id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MergeRecord>>([]);

    public async IAsyncEnumerable<Profile> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var p in _profiles.Values.ToList())
        {
            await Task.Yield();
            yield return p;
        }
    }

    public Task<IReadOnlyList<CustomerId>> SaveAsync(IReadOnlyCollection<Profile> profiles, CancellationToken cancellationToken)
    {
        var hook = BeforeNextSave;
        BeforeNextSave = null;
        hook?.Invoke(this);
        Saves++;
        var conflicts = new List<CustomerId>();
        foreach (var p in profiles)
        {
            var stored = _profiles[p.Id.Value];
            if (stored.Version != p.Version)
            {
                conflicts.Add(p.Id);
                continue;
            }
            _profiles[p.Id.Value] = p with { Version = p.Version + 1 };
            ProfilesWritten++;
        }
        return Task.FromResult<IReadOnlyList<CustomerId>>(conflicts);
    }

    public Task<bool> EraseAsync(CustomerId id, CancellationToken cancellationToken) => Task.FromResult(_profiles.Remove(id.Value));
}
