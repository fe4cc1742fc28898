using System.Collections.Concurrent;
using Lodestar.Customers;
using Lodestar.Profiles;

namespace Lodestar.Sqlite;

/// <summary>
/// Deserialised profiles by id and stored version, so ingest batches skip re-reading JSON they wrote themselves. An
/// entry is used only when its version equals the stored one, so a stale entry can cost a read but never a lost update.
/// </summary>
internal sealed class ProfileCache(int capacity = 200_000)
{
    private readonly ConcurrentDictionary<CustomerId, Profile> _profiles = new();

    public Profile? Get(CustomerId id, long storedVersion) =>
        _profiles.TryGetValue(id, out var p) && p.Version == storedVersion ? p : null;

    public Profile Put(Profile profile)
    {
        if (_profiles.Count >= capacity)
        {
            _profiles.Clear();
        }
        return _profiles.AddOrUpdate(profile.Id, profile, (_, existing) => existing.Version > profile.Version ? existing : profile);
    }

    /// <summary>After a commit: each saved profile is now stored at its read version + 1; merged-away ids are gone.</summary>
    public void Committed(IEnumerable<Profile> saved, IEnumerable<CustomerId> removed)
    {
        foreach (var p in saved)
        {
            Put(p with { Version = p.Version + 1 });
        }
        Forget(removed);
    }

    public void Forget(IEnumerable<CustomerId> ids)
    {
        foreach (var id in ids)
        {
            _profiles.TryRemove(id, out _);
        }
    }
}
