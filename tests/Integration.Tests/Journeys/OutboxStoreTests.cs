using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Sqlite;
using Lodestar.Standalone.Journeys;
using Lodestar.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Tests.Journeys;

/// <summary>The outbox in SQLite and its dispatcher: unique idempotency keys, and no duplicate after a crash between append and mark.</summary>
public sealed class OutboxStoreTests
{
    private static readonly CustomerId Customer = CustomerId.DerivedFrom("member:M-ob-1");

    private static OutboxMessage Message(int attempt) => new(
        JourneyIds.IdempotencyKey("ji_test", "confirm", attempt), JourneyIds.Message("ji_test", "confirm", attempt), "ji_test", Customer,
        Channel.Sms, "cart-saved", null, true, "cart-now", "cart-now", "confirm", Samples.T0, Samples.T0);

    private static JourneyState State => new()
    {
        JourneyId = "cart-now", Version = 1, InstanceId = "ji_test", Customer = Customer, Status = JourneyStatus.Completed, EnteredAt = Samples.T0,
    };

    [Fact]
    public async Task Save_SameIdempotencyKeyTwice_KeepsOneRowWithTheStateChange()
    {
        using var folder = new TempFolder("lodestar-outbox-");
        using (var store = SqliteStore.Open(Path.Combine(folder.Path, "lodestar.db")))
        {
            var changes = new JourneyChanges([new StoredInstance(State, null, null)], [], [Message(1)]);
            await store.SaveAsync(changes, TestContext.Current.CancellationToken);
            await store.SaveAsync(changes, TestContext.Current.CancellationToken); // a replayed round
            var unsent = await store.UnsentAsync(Samples.Now, 10, TestContext.Current.CancellationToken);
            Assert.Equal(Message(1).IdempotencyKey, Assert.Single(unsent).IdempotencyKey);
            var mine = await store.CustomerAsync(Customer, 10, TestContext.Current.CancellationToken);
            Assert.Equal(JourneyStatus.Completed, Assert.Single(mine.Instances).State.Status);
        }
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Dispatcher_RestartAfterAppendBeforeMark_WritesNothingTwiceAndCutsATornLine()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("lodestar-outbox-");
        var outbox = Path.Combine(folder.Path, "outbox");
        Directory.CreateDirectory(outbox);
        using (var store = SqliteStore.Open(Path.Combine(folder.Path, "lodestar.db")))
        {
            await store.SaveAsync(new JourneyChanges([new StoredInstance(State, null, null)], [], [Message(1), Message(2)]), ct);
            // The crash: message 1's line reached the file but the row was never marked; message 2's line was torn mid-write.
            var file = OutboxDispatcher.FileFor(outbox, Channel.Sms);
            await File.WriteAllTextAsync(file, $$"""{"key":"{{Message(1).IdempotencyKey}}","customer":"{{Customer.Value}}"}""" + "\n" + """{"key":"ji_te""", ct);

            var dispatcher = new OutboxDispatcher(store, store, outbox, new FixedTimeProvider(Samples.Now), NullLogger<OutboxDispatcher>.Instance);
            using var stop = new CancellationTokenSource();
            var run = dispatcher.RunAsync(stop.Token);
            for (var i = 0; i < 100 && (await store.UnsentAsync(Samples.Now, 10, ct)).Count > 0; i++)
            {
                await Task.Delay(20, ct);
            }
            await stop.CancelAsync();
            await run;

            var keys = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()).ToList();
            Assert.Equal([Message(1).IdempotencyKey, Message(2).IdempotencyKey], keys);
            Assert.Empty(await store.UnsentAsync(Samples.Now, 10, ct));
            Assert.Equal(1, dispatcher.Delivered);
        }
        SqliteConnection.ClearAllPools();
    }
}
