using Lodestar.Cosmos;
using Lodestar.Journeys.Driving;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Store;

/// <summary>The send ledger contract on the Cosmos DB stand-in: one ETag-guarded document per customer.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosSendLedgerContractTests(CosmosServer server) : SendLedgerContract
{
    private string? _database;

    protected override async Task<ISendLedger> CreateLedgerAsync(CancellationToken cancellationToken)
    {
        server.SkipIfUnavailable();
        _database = await server.NewDatabaseAsync(cancellationToken);
        return new CosmosSendLedger(server.Client, _database);
    }

    protected override async ValueTask DisposeLedgerAsync()
    {
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database);
        }
    }
}
