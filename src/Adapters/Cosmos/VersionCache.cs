using System.Collections.Concurrent;
using Lodestar.Customers;
using Lodestar.Ingestion;

namespace Lodestar.Cosmos;

/// <summary>
/// The ETag (and merge list) of each profile document at the version this process last read or wrote it, so a commit
/// over that version is one conditional replace with no read first. A stale entry costs a 412 and a read, never a lost
/// update: the ETag condition is what guards the write.
/// </summary>
internal sealed class VersionCache(int capacity = 100_000)
{
    public sealed record Entry(long Version, string ETag, IReadOnlyList<MergeRecord> Merges);

    private readonly ConcurrentDictionary<CustomerId, Entry> _entries = new();

    public Entry? Get(CustomerId id, long version) => _entries.TryGetValue(id, out var e) && e.Version == version ? e : null;

    public void Put(CustomerId id, Entry entry)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }
        _entries[id] = entry;
    }

    public void Forget(CustomerId id) => _entries.TryRemove(id, out _);
}
