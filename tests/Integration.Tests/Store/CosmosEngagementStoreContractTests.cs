using Lodestar.Cosmos;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Store;

/// <summary>
/// The delivery ledger, feedback store and campaign read side on the Cosmos DB stand-in: deliveries partitioned by our
/// message id, provider-id pointers and identity links in identities, feedback dead letters in deadLetters.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosEngagementStoreContractTests(CosmosServer server) : EngagementStoreContract
{
    private string? _database;

    protected override async Task<EngagementStoreUnderTest> CreateStoreAsync(CancellationToken cancellationToken)
    {
        server.SkipIfUnavailable();
        _database = await server.NewDatabaseAsync(cancellationToken);
        var store = new CosmosStore(server.Client, _database);
        return new EngagementStoreUnderTest(store, store, store, store, store.DeadLettersAsync);
    }

    protected override async ValueTask DisposeStoreAsync()
    {
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database);
        }
    }
}
