using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Journeys.Driving;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Cosmos;

/// <summary>
/// Published journey definitions in the journeys container (partition <c>/journeyId</c>, id = the version), with the
/// semantics of <see cref="IJourneyStore.PublishAsync"/> and <see cref="IJourneyStore.DefinitionsAsync"/>: a version is
/// immutable, so publishing is a create; a 409 reads the stored version and answers <see cref="PublishOutcome.Unchanged"/>
/// for the same JSON (a retried publish) or <see cref="PublishOutcome.VersionTaken"/>. The JSON is kept verbatim as a
/// string under <c>definition</c>, which the layout leaves unindexed.
/// </summary>
public sealed class CosmosJourneyDefinitions
{
    private readonly Container _container;
    private readonly ILogger _log;

    public CosmosJourneyDefinitions(CosmosClient client, string database, ILogger<CosmosJourneyDefinitions>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _container = client.GetDatabase(database).GetContainer(CosmosLayout.Journeys);
        _log = logger ?? NullLogger<CosmosJourneyDefinitions>.Instance;
    }

    public async Task<PublishOutcome> PublishAsync(PublishedJourney journey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var id = journey.Version.ToString(CultureInfo.InvariantCulture);
        using (var body = Documents.Stream(new JsonObject
        {
            ["id"] = id,
            ["journeyId"] = journey.Id,
            ["version"] = journey.Version,
            ["name"] = journey.Name,
            ["publishedAt"] = journey.PublishedAt,
            ["definition"] = journey.Json,
        }))
        using (var created = await _container.CreateItemStreamAsync(body, new PartitionKey(journey.Id), cancellationToken: cancellationToken))
        {
            if (created.StatusCode != HttpStatusCode.Conflict)
            {
                created.EnsureSuccessStatusCode();
                return PublishOutcome.Published;
            }
        }
        using var r = await _container.ReadItemStreamAsync(id, new PartitionKey(journey.Id), cancellationToken: cancellationToken);
        r.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(r.Content, cancellationToken: cancellationToken);
        if (string.Equals(json.RootElement.GetProperty("definition").GetString(), journey.Json, StringComparison.Ordinal))
        {
            return PublishOutcome.Unchanged;
        }
        CosmosLog.JourneyVersionTaken(_log, journey.Id, journey.Version);
        return PublishOutcome.VersionTaken;
    }

    /// <summary>Every published version, oldest first (ties: by journey id, then version), as the SQLite store lists them.</summary>
    public async Task<IReadOnlyList<PublishedJourney>> DefinitionsAsync(CancellationToken cancellationToken)
    {
        // Across partitions on purpose: the list is small (one document per published version) and read at start-up
        // and on publish. Sorted here rather than by ORDER BY, which on two properties would need a composite index.
        var query = new QueryDefinition("SELECT c.journeyId, c.version, c.name, c.definition, c.publishedAt FROM c");
        var list = new List<PublishedJourney>();
        using var feed = _container.GetItemQueryStreamIterator(query);
        while (feed.HasMoreResults)
        {
            using var page = await feed.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            foreach (var d in await Documents.ReadFeedAsync(page.Content, cancellationToken))
            {
                list.Add(new PublishedJourney(
                    d.GetProperty("journeyId").GetString()!,
                    d.GetProperty("version").GetInt32(),
                    d.GetProperty("name").GetString()!,
                    d.GetProperty("definition").GetString()!,
                    d.GetProperty("publishedAt").GetDateTimeOffset()));
            }
        }
        return [.. list.OrderBy(j => j.PublishedAt).ThenBy(j => j.Id, StringComparer.Ordinal).ThenBy(j => j.Version)];
    }
}
