using System.Collections.Immutable;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Validation;

namespace Lodestar.Functions.Journeys;

/// <summary>A journey the app runs: its definition, its JSON (an orchestration carries it), and when it was published (null: from the folder).</summary>
public sealed record CatalogJourney(JourneyDefinition Definition, string Json, DateTimeOffset? PublishedAt = null);

/// <summary>
/// The journeys that events may start: the definitions deployed with the app (<c>Lodestar__JourneysPath</c>) and, when the
/// customer store keeps published definitions (<see cref="IJourneyDefinitions"/>), those published over
/// <c>POST /api/journeys</c>. New instances enter the latest version of each journey; running ones keep the JSON they
/// started with. Published definitions are read again at most every <see cref="RefreshInterval"/>, so an app scaled out
/// to several instances starts a newly published version on all of them within that time.
/// </summary>
public sealed class JourneyCatalog
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private readonly ImmutableArray<CatalogJourney> _deployed;
    private readonly IJourneyDefinitions? _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableArray<CatalogJourney> _published = [];
    private DateTimeOffset? _readAt;

    public JourneyCatalog(IEnumerable<string> definitionsJson, IJourneyDefinitions? store = null, TimeProvider? time = null)
    {
        _deployed = [.. definitionsJson.Select(json => new CatalogJourney(Parse(json), json))];
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Whether definitions can be published: the customer store keeps them.</summary>
    public bool CanPublish => _store is not null;

    /// <summary>Every version the app knows, deployed and published (a published one wins over a deployed one of the same version).</summary>
    public async Task<ImmutableArray<CatalogJourney>> AllAsync(CancellationToken cancellationToken)
    {
        var published = await PublishedAsync(force: false, cancellationToken);
        var keys = published.Select(p => p.Definition.Key).ToHashSet(StringComparer.Ordinal);
        return [.. _deployed.Where(d => !keys.Contains(d.Definition.Key)).Concat(published)
            .OrderBy(j => j.Definition.Id, StringComparer.Ordinal).ThenBy(j => j.Definition.Version)];
    }

    /// <summary>The latest version of each journey: what new instances enter.</summary>
    public async Task<ImmutableArray<CatalogJourney>> LatestAsync(CancellationToken cancellationToken) =>
        [.. (await AllAsync(cancellationToken)).GroupBy(j => j.Definition.Id, StringComparer.Ordinal).Select(g => g.MaxBy(j => j.Definition.Version)!)];

    /// <summary>
    /// Stores a definition that <paramref name="validation"/> accepts; an invalid one comes back with its errors and is not
    /// stored. Throws when <see cref="CanPublish"/> is false.
    /// </summary>
    public async Task<(Validated<JourneyDefinition> Parsed, PublishOutcome? Outcome)> PublishAsync(string json, JourneyValidationOptions validation,
        CancellationToken cancellationToken)
    {
        var store = _store ?? throw new InvalidOperationException("the customer store keeps no journey definitions");
        var parsed = JourneyReader.Parse(json, validation);
        if (!parsed.IsValid)
        {
            return (parsed, null);
        }
        var d = parsed.Value!;
        var outcome = await store.PublishAsync(new PublishedJourney(d.Id, d.Version, d.Name, json, _time.GetUtcNow()), cancellationToken);
        await PublishedAsync(force: true, cancellationToken);
        return (parsed, outcome);
    }

    private async Task<ImmutableArray<CatalogJourney>> PublishedAsync(bool force, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return [];
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (force || _readAt is not { } at || now - at >= RefreshInterval)
            {
                var known = _published.ToDictionary(p => p.Definition.Key, StringComparer.Ordinal);
                var read = new List<CatalogJourney>();
                foreach (var p in await _store.DefinitionsAsync(cancellationToken))
                {
                    if (known.TryGetValue($"{p.Id}@{p.Version}", out var parsed))
                    {
                        read.Add(parsed);
                    }
                    else if (JourneyReader.Parse(p.Json) is { IsValid: true, Value: { } definition })
                    {
                        // validated on publish; a newer validator may refuse an old definition, which then enters nobody
                        read.Add(new CatalogJourney(definition, p.Json, p.PublishedAt));
                    }
                }
                _published = [.. read];
                _readAt = now;
            }
            return _published;
        }
        finally
        {
            _gate.Release();
        }
    }

    public static JourneyDefinition Parse(string json)
    {
        var parsed = JourneyReader.Parse(json);
        return parsed.IsValid && parsed.Value is { } definition
            ? definition
            : throw new InvalidOperationException("invalid journey definition: " + string.Join("; ", parsed.Errors.Select(e => $"{e.Pointer} {e.Message}")));
    }

    /// <summary>Every <c>*.json</c> journey in a folder (the schema and the template list excepted).</summary>
    public static IReadOnlyList<string> ReadDirectory(string? path) =>
        path is null || !Directory.Exists(path)
            ? []
            : [.. Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal)
                .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal) && Path.GetFileName(f) != "templates.json")
                .Select(File.ReadAllText)];

    /// <summary>The journeys deployed in a folder, without published ones.</summary>
    public static JourneyCatalog FromDirectory(string? path) => new(ReadDirectory(path));
}
