using System.Collections.Concurrent;

namespace Lodestar.Adapters.OpenAI;

/// <summary>The key variants are cached under: a template, the segment and tier it was written for, and the locale.</summary>
public readonly record struct CopyKey(string Template, string Segment, string Tier, string Locale);

/// <summary>
/// Results per key until they expire, with one generation in flight per key: callers that arrive while the model is
/// writing wait for the same answer instead of paying for another.
/// </summary>
internal sealed class CopyCache(TimeProvider time)
{
    private sealed record Entry(Lazy<Task<(CopyResult Result, TimeSpan Keep)>> Work)
    {
        public DateTimeOffset? ExpiresAt { get; set; }
    }

    private readonly ConcurrentDictionary<CopyKey, Entry> _entries = new();

    /// <summary>The cached result (<c>Hit</c> true), or the one <paramref name="generate"/> produces now.</summary>
    public async Task<(CopyResult Result, bool Hit)> GetOrAddAsync(CopyKey key, Func<Task<(CopyResult Result, TimeSpan Keep)>> generate)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.ExpiresAt is { } expires && expires <= now)
                {
                    _entries.TryRemove(new KeyValuePair<CopyKey, Entry>(key, existing));
                    continue;
                }
                var (result, _) = await existing.Work.Value.ConfigureAwait(false);
                return (result, true);
            }
            var mine = new Entry(new Lazy<Task<(CopyResult Result, TimeSpan Keep)>>(generate));
            if (!_entries.TryAdd(key, mine))
            {
                continue;
            }
            try
            {
                var (result, keep) = await mine.Work.Value.ConfigureAwait(false);
                mine.ExpiresAt = time.GetUtcNow() + keep;
                return (result, false);
            }
            catch
            {
                _entries.TryRemove(new KeyValuePair<CopyKey, Entry>(key, mine));
                throw;
            }
        }
    }
}
