using Lodestar.Cosmos;
using Lodestar.Customers;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Store;

/// <summary>
/// The customer store contract on the Cosmos DB stand-in: the same tests the SQLite store passes, each on a database of
/// its own with the deployed container layout.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosStoreContractTests(CosmosServer server) : CustomerStoreContract
{
    private string? _database;

    protected override async Task<StoreUnderTest> CreateStoreAsync(CancellationToken cancellationToken)
    {
        server.SkipIfUnavailable();
        _database = await server.NewDatabaseAsync(cancellationToken);
        var store = new CosmosStore(server.Client, _database);
        return new StoreUnderTest(store, store);
    }

    protected override async ValueTask DisposeStoreAsync()
    {
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database);
        }
    }

    protected override Task<IReadOnlyList<string>> EventsOfAsync(CustomerId customer, CancellationToken cancellationToken) =>
        server.EventsOfAsync(_database!, customer.Value, cancellationToken);
}
