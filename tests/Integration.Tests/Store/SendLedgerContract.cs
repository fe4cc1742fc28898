using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;

namespace Lodestar.Tests.Store;

/// <summary>
/// The send ledger's contract (docs/adr/0004), for every implementation: versions count appends, an append at a stale
/// version is refused and changes nothing, a replayed append answers true and adds nothing, and of several appends at
/// one version exactly one wins. A subclass supplies a fresh, empty ledger per test. Self-contained (no test support
/// types) so that the Functions tests can compile it too, for the in-memory ledger.
/// </summary>
public abstract class SendLedgerContract : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private ISendLedger? _ledger;

    protected ISendLedger Ledger => _ledger ?? throw new InvalidOperationException("not initialised");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh ledger that has recorded nothing.</summary>
    protected abstract Task<ISendLedger> CreateLedgerAsync(CancellationToken cancellationToken);

    protected virtual ValueTask DisposeLedgerAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync() => _ledger = await CreateLedgerAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await DisposeLedgerAsync();
        GC.SuppressFinalize(this);
    }

    private static CustomerId Customer(string name) => CustomerId.DerivedFrom("member:" + name);

    private static LedgerEntry Entry(string messageId, int minutes, Channel channel = Channel.Email, string campaign = "spring") =>
        new(messageId, new SentMessage(At.AddMinutes(minutes), channel, false, "abandoned-cart", campaign, "offer-" + campaign));

    [Fact]
    public async Task Read_NothingSent_IsEmptyAtVersionZero()
    {
        var view = await Ledger.ReadAsync(Customer("L-0"), Ct);

        Assert.Empty(view.Entries);
        Assert.Equal(SendLedgerView.Empty.Version, view.Version);
    }

    [Fact]
    public async Task Append_AtTheVersionRead_IsReadBackInOrderAtTheNextVersion()
    {
        var customer = Customer("L-1");
        LedgerEntry[] first = [Entry("m-1", 0), Entry("m-2", 1, Channel.Sms)];
        LedgerEntry[] second = [Entry("m-3", 60, campaign: "summer")];

        Assert.True(await Ledger.TryAppendAsync(customer, 0, first, Ct));
        var afterFirst = await Ledger.ReadAsync(customer, Ct);
        Assert.True(await Ledger.TryAppendAsync(customer, afterFirst.Version, second, Ct));
        var view = await Ledger.ReadAsync(customer, Ct);

        Assert.Equal(first, afterFirst.Entries);
        Assert.Equal(first.Concat(second), view.Entries);
        Assert.Equal(afterFirst.Version + 1, view.Version);
        Assert.Equal(first.Concat(second).Select(e => e.Message), view.History);
    }

    [Fact]
    public async Task Append_AtAStaleVersion_IsRefusedAndChangesNothing()
    {
        var customer = Customer("L-2");
        Assert.True(await Ledger.TryAppendAsync(customer, 0, [Entry("m-1", 0)], Ct));
        var before = await Ledger.ReadAsync(customer, Ct);

        var appended = await Ledger.TryAppendAsync(customer, before.Version - 1, [Entry("m-2", 5)], Ct);

        Assert.False(appended);
        var after = await Ledger.ReadAsync(customer, Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Entries, after.Entries);
    }

    [Fact]
    public async Task Append_Replayed_AnswersTrueAndAddsNothing()
    {
        var customer = Customer("L-3");
        LedgerEntry[] batch = [Entry("m-1", 0), Entry("m-2", 0, Channel.Push)];
        Assert.True(await Ledger.TryAppendAsync(customer, 0, batch, Ct));
        var before = await Ledger.ReadAsync(customer, Ct);

        // An activity retried after its append went through names the version it read before that append.
        var replayed = await Ledger.TryAppendAsync(customer, 0, batch, Ct);

        Assert.True(replayed);
        var after = await Ledger.ReadAsync(customer, Ct);
        Assert.Equal(before.Entries, after.Entries);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Append_ConcurrentAtOneVersion_ExactlyOneWinsAndOnlyItsSendsAreKept()
    {
        var customer = Customer("L-4");
        Assert.True(await Ledger.TryAppendAsync(customer, 0, [Entry("m-0", 0)], Ct));
        var read = await Ledger.ReadAsync(customer, Ct);
        var batches = Enumerable.Range(1, 8).Select(i => new[] { Entry($"journey-{i}", 10 + i) }).ToArray();

        var results = await Task.WhenAll(batches.Select(b => Task.Run(() => Ledger.TryAppendAsync(customer, read.Version, b, Ct), Ct)));

        var winner = Assert.Single(Enumerable.Range(0, batches.Length), i => results[i]);
        var after = await Ledger.ReadAsync(customer, Ct);
        Assert.Equal(read.Entries.Concat(batches[winner]), after.Entries);
        Assert.Equal(read.Version + 1, after.Version);
    }

    [Fact]
    public async Task Ledgers_OfTwoCustomers_AreIndependent()
    {
        var (a, b) = (Customer("L-5a"), Customer("L-5b"));

        Assert.True(await Ledger.TryAppendAsync(a, 0, [Entry("m-a", 0)], Ct));
        Assert.True(await Ledger.TryAppendAsync(b, 0, [Entry("m-b", 0, Channel.Sms)], Ct));

        Assert.Equal([Entry("m-a", 0)], (await Ledger.ReadAsync(a, Ct)).Entries);
        Assert.Equal([Entry("m-b", 0, Channel.Sms)], (await Ledger.ReadAsync(b, Ct)).Entries);
        Assert.Equal((await Ledger.ReadAsync(a, Ct)).Version, (await Ledger.ReadAsync(b, Ct)).Version);
    }
}
