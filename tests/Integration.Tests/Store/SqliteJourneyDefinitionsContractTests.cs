using Lodestar.Sqlite;
using Lodestar.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lodestar.Tests.Store;

/// <summary>The journey definitions contract on a real SQLite file (the standalone host's store).</summary>
public sealed class SqliteJourneyDefinitionsContractTests : JourneyDefinitionsContract
{
    private readonly TempFolder _folder = new("lodestar-definitions-tests-");
    private SqliteStore? _sqlite;

    protected override Task<Definitions> CreateAsync(CancellationToken cancellationToken)
    {
        _sqlite = SqliteStore.Open(Path.Combine(_folder.Path, "lodestar.db"));
        return Task.FromResult(new Definitions(_sqlite.PublishAsync, _sqlite.DefinitionsAsync));
    }

    protected override ValueTask DisposeStoreAsync()
    {
        _sqlite?.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
