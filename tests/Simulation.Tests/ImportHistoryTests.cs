using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Import;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Lodestar.Tags;

namespace Lodestar.Tests;

public sealed class ImportHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly SourceContext Uk = new(T0, TimeSpan.Zero);

    private const string Retail = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        + "536365,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
        + "536365,71053,LANTERN,6,2010-12-01 08:26:00,0,17850,United Kingdom\n"
        + "536365,71053,LANTERN,6,2010-12-01 08:26:00,0,17850,United Kingdom\n"
        + "536366,22633,WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom\n"
        + "536366,22632,WARMER RED,6,2010-12-01 08:28:00,1.85,,United Kingdom\n"
        + "C536367,22633,WARMER,-6,2010-12-01 08:30:00,1.85,17850,United Kingdom\n"
        + "536368,22960,JAM,lots,2010-12-01 08:34:00,4.25,13047,United Kingdom\n";

    private static (ImportHistory History, MemoryIngestStore Store) Create(int batchSize = 2)
    {
        var store = new MemoryIngestStore(keepEvents: true);
        var clock = new FixedClock(T0);
        var cleaner = new Cleaner(new PiiProtector(new byte[32]), CleaningOptions.Default);
        return (new ImportHistory(cleaner, new IngestEvents(store, TagRuleSet.Default, clock), clock) { BatchSize = batchSize }, store);
    }

    [Fact]
    public async Task Import_CountsQuarantineByRow_AndRowErrorsByColumn()
    {
        var (history, _) = Create();
        var progress = new List<ImportProgress>();

        var summary = await history.ImportAsync(OnlineRetailCsv.Read(OnlineRetailCsvTests.Csv(Retail), Uk), new SyncProgress(progress), TestContext.Current.CancellationToken);

        Assert.Equal(7, summary.RowsRead);
        Assert.Equal(3, summary.Records);
        Assert.Equal((2, 1, 0), (summary.Accepted, summary.Quarantined, summary.Duplicates));
        // Line-level: both zero-priced rows, and the repeated one also as a duplicate; record-level: both rows of the order without customer.
        Assert.Equal(2, summary.QuarantinedByReason[Reasons.ZeroPrice]);
        Assert.Equal(1, summary.QuarantinedByReason[Reasons.DuplicateContent]);
        Assert.Equal(2, summary.QuarantinedByReason[Reasons.MissingIdentity]);
        Assert.Equal(4, summary.QuarantinedRows);
        Assert.Equal(1, summary.RepairsByReason[Reasons.Cancellation]);
        Assert.Equal(1, summary.RowErrors);
        Assert.Equal(1, summary.RowErrorsByField["/rows/*/Quantity"]);
        Assert.Equal("/rows/7/Quantity", Assert.Single(summary.RowErrorSamples).Pointer);
        Assert.Equal([2, 3], progress.Select(p => p.Records));
        Assert.Equal(7, progress[^1].RowsRead);
    }

    [Fact]
    public async Task Import_SameFileTwice_ChangesNothing()
    {
        var (history, store) = Create(batchSize: 2_000);
        await history.ImportAsync(OnlineRetailCsv.Read(OnlineRetailCsvTests.Csv(Retail), Uk), null, TestContext.Current.CancellationToken);
        var events = store.Events.Count;
        var quarantine = store.Quarantine.Count;

        var again = await history.ImportAsync(OnlineRetailCsv.Read(OnlineRetailCsvTests.Csv(Retail), Uk), null, TestContext.Current.CancellationToken);

        Assert.Equal((0, 0, 3), (again.Accepted, again.Quarantined, again.Duplicates));
        Assert.Empty(again.QuarantinedByReason);
        Assert.Equal((events, quarantine), (store.Events.Count, store.Quarantine.Count));
    }

    [Fact]
    public async Task Import_ContentDuplicateUnderANewId_CountsEveryLineOfTheOrder()
    {
        var (history, _) = Create();
        var order = new RawEvent
        {
            MessageId = "a",
            Type = EventType.Order,
            Source = "import",
            Ids = [new RawIdentifier(IdKind.Member, "M1")],
            Timestamp = T0.AddDays(-1),
            Order = new Order("o-1", null, "GBP", [new OrderLine("A", null, null, 1, 100, 1), new OrderLine("B", null, null, 1, 100, 2)]),
        };
        ImportRecord[] records = [new(1, Validation.Validated<RawEvent>.Ok(order)), new(3, Validation.Validated<RawEvent>.Ok(order with { MessageId = "b" }))];

        var summary = await history.ImportAsync(records, null, TestContext.Current.CancellationToken);

        Assert.Equal((1, 1), (summary.Accepted, summary.Quarantined));
        Assert.Equal(2, summary.QuarantinedByReason[Reasons.DuplicateContent]);
    }

    private sealed class SyncProgress(List<ImportProgress> seen) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => seen.Add(value);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
