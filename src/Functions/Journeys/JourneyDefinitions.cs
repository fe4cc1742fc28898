using Lodestar.Cosmos;
using Lodestar.Journeys.Driving;

namespace Lodestar.Functions.Journeys;

/// <summary>
/// Where published journey definitions are kept: the journeys container of the Cosmos DB store, or the SQLite store's
/// definitions table. Versions are immutable (publishing a taken version with other JSON is refused).
/// </summary>
public interface IJourneyDefinitions
{
    Task<PublishOutcome> PublishAsync(PublishedJourney journey, CancellationToken cancellationToken);

    /// <summary>Every published version.</summary>
    Task<IReadOnlyList<PublishedJourney>> DefinitionsAsync(CancellationToken cancellationToken);
}

/// <summary>The definitions of a store that keeps the whole journey state (the SQLite store).</summary>
public sealed class StoreJourneyDefinitions(IJourneyStore store) : IJourneyDefinitions
{
    public Task<PublishOutcome> PublishAsync(PublishedJourney journey, CancellationToken cancellationToken) => store.PublishAsync(journey, cancellationToken);

    public Task<IReadOnlyList<PublishedJourney>> DefinitionsAsync(CancellationToken cancellationToken) => store.DefinitionsAsync(cancellationToken);
}

/// <summary>The Cosmos DB journeys container.</summary>
public sealed class CosmosJourneyDefinitionsSource(CosmosJourneyDefinitions definitions) : IJourneyDefinitions
{
    public Task<PublishOutcome> PublishAsync(PublishedJourney journey, CancellationToken cancellationToken) => definitions.PublishAsync(journey, cancellationToken);

    public Task<IReadOnlyList<PublishedJourney>> DefinitionsAsync(CancellationToken cancellationToken) => definitions.DefinitionsAsync(cancellationToken);
}
