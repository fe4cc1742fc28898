using Lodestar.Cosmos;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Store;

/// <summary>The journey definitions contract on the Cosmos DB stand-in (journeys container, one partition per journey).</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosJourneyDefinitionsContractTests(CosmosServer server) : JourneyDefinitionsContract
{
    private string? _database;

    protected override async Task<Definitions> CreateAsync(CancellationToken cancellationToken)
    {
        server.SkipIfUnavailable();
        _database = await server.NewDatabaseAsync(cancellationToken);
        var store = new CosmosJourneyDefinitions(server.Client, _database);
        return new Definitions(store.PublishAsync, store.DefinitionsAsync);
    }

    protected override async ValueTask DisposeStoreAsync()
    {
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database);
        }
    }
}
