using Lodestar.Sqlite;
using Lodestar.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lodestar.Tests.Store;

/// <summary>The delivery ledger, feedback store and campaign read side on a real SQLite file.</summary>
public sealed class SqliteEngagementStoreContractTests : EngagementStoreContract
{
    private readonly TempFolder _folder = new("lodestar-engagement-tests-");
    private SqliteStore? _sqlite;

    protected override Task<EngagementStoreUnderTest> CreateStoreAsync(CancellationToken cancellationToken)
    {
        _sqlite = SqliteStore.Open(Path.Combine(_folder.Path, "lodestar.db"));
        return Task.FromResult(new EngagementStoreUnderTest(_sqlite, _sqlite, _sqlite, _sqlite, _sqlite.DeadLettersAsync));
    }

    protected override ValueTask DisposeStoreAsync()
    {
        _sqlite?.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
