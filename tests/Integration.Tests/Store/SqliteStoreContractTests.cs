using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Journeys;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Sqlite;
using Lodestar.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lodestar.Tests.Store;

/// <summary>The customer store contract on a real SQLite file (WAL), plus what only a file store has: reopening and online backup.</summary>
public sealed class SqliteStoreContractTests : CustomerStoreContract
{
    private readonly TempFolder _folder = new("lodestar-store-tests-");
    private SqliteStore? _sqlite;

    private string DbPath => Path.Combine(_folder.Path, "lodestar.db");

    protected override Task<StoreUnderTest> CreateStoreAsync(CancellationToken cancellationToken)
    {
        _sqlite = SqliteStore.Open(DbPath);
        return Task.FromResult(new StoreUnderTest(_sqlite, _sqlite));
    }

    protected override ValueTask DisposeStoreAsync()
    {
        _sqlite?.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override Task<IReadOnlyList<string>> EventsOfAsync(CustomerId customer, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(new StoreProbe(DbPath).Strings("SELECT message_id FROM events WHERE customer_id = @c", ("@c", customer.Value)));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Erase_RemovesTheCustomersSendsFromTheDeliveryLedger()
    {
        var erased = CustomerId.DerivedFrom("member:M-erase-sends");
        var kept = CustomerId.DerivedFrom("member:M-keep-sends");
        var store = (SqliteStore)Store.Ingest;
        await store.RecordSendsAsync([Send("m-erased", "p-erased", erased), Send("m-kept", "p-kept", kept)], Ct);

        Assert.True(await store.EraseAsync(erased, Ct));

        Assert.Null(await store.FindSendAsync("p-erased", Ct));
        Assert.Equal(kept, (await store.FindSendAsync("p-kept", Ct))?.Customer);
    }

    private static SentMessageRecord Send(string messageId, string providerId, CustomerId customer) =>
        new(messageId, providerId, customer, Channel.Email, "abandoned-cart", "abandoned-cart", "remind", Samples.T0);

    [Fact]
    public async Task Reopen_AfterDispose_KeepsEveryCommittedEventAndProfile()
    {
        var ids = new[] { Member("M-reopen"), Phone("+8613957215672") };
        var id = IdOf(ids[0]);
        var events = Enumerable.Range(1, 3).Select(i => Viewed($"reopen-{i}", Samples.T0.AddMinutes(i), ids)).ToArray();
        await _sqlite!.CommitAsync(NewCustomer(id, events), Ct);
        _sqlite.Dispose();

        _sqlite = SqliteStore.Open(DbPath);

        var snapshot = await _sqlite.LoadAsync(new IngestKeys([.. events.Select(e => e.MessageId)], [], [ids[1].GraphKey]), Ct);
        Assert.Equal(3, snapshot.KnownMessageIds.Count);
        Assert.Equal(id, snapshot.Links[ids[1].GraphKey]);
        Assert.Equal(3, (await _sqlite.GetAsync(id, Ct))!.Counters.Events);
    }

    [Fact]
    public async Task Backup_WhileAnotherTaskWrites_ProducesAFileThatOpensWithWholeCommitsOnly()
    {
        const int eventsPerCommit = 40;
        var backup = Path.Combine(_folder.Path, "backups", "copy.db");
        var commits = 0;
        var backupDone = false;
        var commitsAfterBackup = 0;
        // The writer commits one new customer with 40 events per transaction until the backup is over, and a few more.
        var writer = Task.Run(async () =>
        {
            while (!Volatile.Read(ref backupDone) || commitsAfterBackup < 3)
            {
                var n = commits;
                var ids = new[] { Member($"M-bk-{n:D4}") };
                var events = Enumerable.Range(1, eventsPerCommit).Select(i => Viewed($"bk-{n:D4}-{i:D2}", Samples.T0.AddMinutes(i), ids)).ToArray();
                await _sqlite!.CommitAsync(NewCustomer(IdOf(ids[0]), events), Ct);
                Interlocked.Increment(ref commits);
                if (Volatile.Read(ref backupDone))
                {
                    commitsAfterBackup++;
                }
                Assert.True(commits < 5_000, "the writer ran away");
            }
        }, Ct);
        while (Volatile.Read(ref commits) < 5 && !writer.IsCompleted)
        {
            await Task.Delay(5, Ct);
        }

        Assert.False(writer.IsCompleted, "the writer must still be writing when the backup starts");
        await _sqlite!.BackupAsync(backup, Ct);
        var committedByBackupEnd = Volatile.Read(ref commits);
        Volatile.Write(ref backupDone, true);
        await writer.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        var copy = new StoreProbe(backup);
        Assert.Equal(["ok"], copy.Strings("PRAGMA integrity_check"));
        var events = copy.Scalar("SELECT count(*) FROM events");
        var profiles = copy.Scalar("SELECT count(*) FROM profiles");
        // Consistent: whole transactions only, and every event counted in its profile.
        Assert.InRange(profiles, 5, committedByBackupEnd);
        Assert.True(commits > committedByBackupEnd, "the writer kept writing after the backup");
        Assert.Equal(profiles * eventsPerCommit, events);
        Assert.Equal(events, copy.Scalar("SELECT coalesce(sum(json_extract(body, '$.counters.events')), 0) FROM profiles"));
        Assert.Equal(events, copy.Scalar("SELECT count(*) FROM events e JOIN profiles p ON p.customer_id = e.customer_id"));
        // And the copy is a store in its own right.
        using var reopened = SqliteStore.Open(backup);
        var any = await reopened.ReadAllAsync(Ct).FirstAsync(Ct);
        Assert.Equal(eventsPerCommit, any.Counters.Events);
        Assert.Equal(commits * eventsPerCommit, new StoreProbe(DbPath).Scalar("SELECT count(*) FROM events"));
    }
}
