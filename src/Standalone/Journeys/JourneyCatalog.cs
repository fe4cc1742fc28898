using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Validation;

namespace Lodestar.Standalone.Journeys;

/// <summary>
/// The published journeys, parsed once: every version by key (instances finish on the version they started on) and
/// the latest version of each journey (which new instances enter).
/// </summary>
public sealed class JourneyCatalog(IJourneyStore store, TimeProvider time)
{
    private readonly Dictionary<string, JourneyDefinition> _byKey = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IReadOnlyList<JourneyDefinition> _latest = [];
    private long _refreshedAt;
    private bool _loaded;

    public IReadOnlyList<JourneyDefinition> Latest => _latest;

    public JourneyDefinition? Get(string id, int version) => _byKey.GetValueOrDefault($"{id}@{version}");

    /// <summary>Validates and stores a definition; an invalid one comes back with its errors and is not stored.</summary>
    public async Task<(Validated<JourneyDefinition> Parsed, PublishOutcome? Outcome)> PublishAsync(string json, CancellationToken cancellationToken)
    {
        var parsed = JourneyReader.Parse(json);
        if (!parsed.IsValid)
        {
            return (parsed, null);
        }
        var d = parsed.Value!;
        var outcome = await store.PublishAsync(new PublishedJourney(d.Id, d.Version, d.Name, json, time.GetUtcNow()), cancellationToken);
        await RefreshAsync(force: true, cancellationToken);
        return (parsed, outcome);
    }

    /// <summary>Reads newly published versions (at most once a second unless forced: another process may publish).</summary>
    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (!force && Volatile.Read(ref _loaded) && now - Volatile.Read(ref _refreshedAt) < 1_000)
        {
            return;
        }
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var latest = new Dictionary<string, JourneyDefinition>(StringComparer.Ordinal);
            foreach (var p in await store.DefinitionsAsync(cancellationToken))
            {
                var key = $"{p.Id}@{p.Version}";
                if (!_byKey.TryGetValue(key, out var d))
                {
                    var parsed = JourneyReader.Parse(p.Json);
                    if (!parsed.IsValid)
                    {
                        continue; // validated on publish; a newer validator may refuse an old file, which then enters nobody
                    }
                    d = parsed.Value!;
                    _byKey[key] = d;
                }
                if (!latest.TryGetValue(d.Id, out var l) || l.Version < d.Version)
                {
                    latest[d.Id] = d;
                }
            }
            _latest = [.. latest.Values.OrderBy(d => d.Id, StringComparer.Ordinal)];
            Volatile.Write(ref _refreshedAt, now);
            Volatile.Write(ref _loaded, true);
        }
        finally
        {
            _lock.Release();
        }
    }
}
