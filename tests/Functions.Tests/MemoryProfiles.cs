using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lodestar.Customers;
using Lodestar.Ingestion;
using Lodestar.Profiles;

namespace Lodestar.Tests.Support;

/// <summary>Profiles in memory: the profile port of the Send activity, without a store.</summary>
internal sealed class MemoryProfiles : IProfileStore
{
    private readonly ConcurrentDictionary<CustomerId, Profile> _profiles = new();

    public Profile Add(Profile profile) => _profiles[profile.Id] = profile;

    public Task<Profile?> GetAsync(CustomerId id, CancellationToken cancellationToken) => Task.FromResult(_profiles.GetValueOrDefault(id));

    public Task<CustomerId?> FindAsync(string graphKey, CancellationToken cancellationToken) => Task.FromResult<CustomerId?>(null);

    public Task<IReadOnlyList<MergeRecord>> MergesAsync(CustomerId id, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<MergeRecord>>([]);

    public async IAsyncEnumerable<Profile> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var p in _profiles.Values)
        {
            yield return p;
        }
    }

    public Task<IReadOnlyList<CustomerId>> SaveAsync(IReadOnlyCollection<Profile> profiles, CancellationToken cancellationToken)
    {
        foreach (var p in profiles)
        {
            _profiles[p.Id] = p;
        }
        return Task.FromResult<IReadOnlyList<CustomerId>>([]);
    }

    public Task<bool> EraseAsync(CustomerId id, CancellationToken cancellationToken) => Task.FromResult(_profiles.TryRemove(id, out _));
}
