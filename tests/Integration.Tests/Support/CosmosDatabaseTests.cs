namespace Lodestar.Tests.Support;

/// <summary>
/// A Cosmos test class whose tests share one database on the stand-in, created on first use (skipping when the
/// stand-in is unavailable) and dropped when the class's tests are done.
/// </summary>
public abstract class CosmosDatabaseTests(CosmosServer server) : IAsyncLifetime
{
    private string? _database;

    protected CosmosServer Server => server;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The name of the class's database once <see cref="DatabaseAsync"/> made it.</summary>
    protected string? Database => _database;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await server.DropDatabaseAsync(_database);
        }
        GC.SuppressFinalize(this);
    }

    protected async Task<string> DatabaseAsync()
    {
        server.SkipIfUnavailable();
        return _database ??= await server.NewDatabaseAsync(Ct);
    }
}
