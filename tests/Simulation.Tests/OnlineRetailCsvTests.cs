using System.IO.Compression;
using System.Text;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Import;
using Lodestar.Ingestion;
using Lodestar.Sources;

namespace Lodestar.Tests;

public sealed class OnlineRetailCsvTests
{
    private static readonly SourceContext Uk = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.Zero);

    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    internal static Stream Csv(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Read_ConsecutiveRowsOfAnInvoice_FormOneOrder()
    {
        var records = OnlineRetailCsv.Read(Csv(Header
            + "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
            + "536365,71053,\"LANTERN, WHITE METAL\",6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n"
            + "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,,United Kingdom\n"), Uk).ToList();

        Assert.Equal(2, records.Count);
        var first = records[0].Parsed.Value!;
        Assert.Equal(1, records[0].Row);
        Assert.Equal("or-536365", first.MessageId);
        Assert.Equal(EventType.Order, first.Type);
        Assert.Equal("import", first.Source);
        Assert.Equal([new RawIdentifier(IdKind.Member, "17850")], first.Ids);
        Assert.Equal("United Kingdom", first.Traits["country"]);
        Assert.Equal(new DateTimeOffset(2010, 12, 1, 8, 26, 0, TimeSpan.Zero), first.Timestamp);
        Assert.False(first.OffsetStated);
        Assert.Equal("GBP", first.Order!.Currency);
        Assert.Equal([(1, "85123A", 6, 255L), (2, "71053", 6, 339L)], first.Order.Lines.Select(l => (l.Row, l.Sku, l.Quantity, l.UnitPriceMinor)));
        Assert.Equal("LANTERN, WHITE METAL", first.Order.Lines[1].Name);
        Assert.Equal(3, records[1].Row);
        Assert.Empty(records[1].Parsed.Value!.Ids);
    }

    [Fact]
    public void Read_InvoiceReappearingLater_GetsItsOwnStableMessageId()
    {
        var csv = Header
            + "540001,A,x,1,2011-01-04 10:00:00,1.00,12345,France\n"
            + "540002,B,y,1,2011-01-04 10:05:00,1.00,12346,France\n"
            + "540001,C,z,1,2011-01-04 10:09:00,1.00,12345,France\n";

        var ids = OnlineRetailCsv.Read(Csv(csv), Uk).Select(r => r.Parsed.Value!.MessageId).ToList();
        var again = OnlineRetailCsv.Read(Csv(csv), Uk).Select(r => r.Parsed.Value!.MessageId).ToList();

        Assert.Equal(["or-540001", "or-540002", "or-540001-2"], ids);
        Assert.Equal(ids, again);
    }

    [Fact]
    public void Read_UnreadableRows_BecomeRowErrors_AndTheRestContinues()
    {
        var records = OnlineRetailCsv.Read(Csv(Header
            + "536365,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
            + "536365,71053,LANTERN,six,2010-12-01 08:26:00,3.39,17850,United Kingdom\n"
            + "536365,84406B,HANGER,8,2010-12-01 08:26:00,2.75,17850,United Kingdom\n"
            + "536367,84879,BIRD,32,yesterday,abc,13047,United Kingdom\n"
            + "536368,22960,JAM,6,2010-12-01 08:34:00,4.25,13047,United Kingdom\n"), Uk).ToList();

        var errors = records.Where(r => !r.Parsed.IsValid).ToList();
        Assert.Equal([2, 4], errors.Select(e => e.Row));
        Assert.Equal(["/rows/2/Quantity"], errors[0].Parsed.Errors.Select(e => e.Pointer));
        Assert.Equal(["/rows/4/UnitPrice", "/rows/4/InvoiceDate"], errors[1].Parsed.Errors.Select(e => e.Pointer));
        var orders = records.Where(r => r.Parsed.IsValid).Select(r => r.Parsed.Value!).ToList();
        Assert.Equal(["or-536365", "or-536368"], orders.Select(o => o.MessageId));
        Assert.Equal([1, 3], orders[0].Order!.Lines.Select(l => l.Row));
    }

    [Fact]
    public void Read_MissingColumn_IsOneHeaderError()
    {
        var records = OnlineRetailCsv.Read(Csv("InvoiceNo,StockCode,Description,InvoiceDate,UnitPrice\n1,A,x,2010-12-01 08:26:00,1\n"), Uk).ToList();

        var only = Assert.Single(records);
        Assert.Equal(0, only.Row);
        Assert.Equal("/header/Quantity", Assert.Single(only.Parsed.Errors).Pointer);
    }

    [Fact]
    public void Cleaner_OnImportedRows_FindsTheFilesKnownDefects()
    {
        var cleaner = new Cleaner(new PiiProtector(new byte[32]), CleaningOptions.Default);
        var records = OnlineRetailCsv.Read(Csv(Header
            + "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527,United Kingdom\n"
            + "536414,22139,,56,2010-12-01 11:52:00,0,,United Kingdom\n"
            + "536409,90199C,EARRINGS,1,2010-12-01 11:45:00,2.55,17908,United Kingdom\n"
            + "536409,90199C,EARRINGS,1,2010-12-01 11:45:00,2.55,17908,United Kingdom\n"), Uk).ToList();

        var findings = records.Select(r => cleaner.Clean(r.Parsed.Value!, Uk.ReceivedAt).Findings).ToList();

        Assert.Contains(findings[0], f => f.Code == Reasons.Cancellation);
        Assert.Contains(findings[1], f => f.Code == Reasons.MissingIdentity);
        Assert.Contains(findings[1], f => f.Code == Reasons.ZeroPrice && f.Line == 2);
        Assert.Equal([(Reasons.DuplicateContent, 4)], findings[2].Where(f => f.Quarantines).Select(f => (f.Code, f.Line)));
    }

    [Fact]
    public void ImportFile_Gzip_IsDetected_AndBytesAreCounted()
    {
        var plain = Encoding.UTF8.GetBytes(Header + "536365,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n");
        var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(plain);
        }
        compressed.Position = 0;

        using var file = ImportFile.FromStream(compressed);
        var records = CsvImport.Read(file.Content, Uk).ToList();

        Assert.True(file.IsCompressed);
        Assert.Equal("or-536365", Assert.Single(records).Parsed.Value!.MessageId);
        Assert.Equal(compressed.Length, file.BytesRead);
        Assert.Equal(1.0, file.Fraction);
    }

    [Fact]
    public async Task WholeFile_ImportsEveryRow_WithTheKnownDefectCounts()
    {
        var path = SharedData.Require(SharedData.OnlineRetail);
        var store = new MemoryIngestStore(keepEvents: true);
        var cleaner = new Cleaner(new PiiProtector(new byte[32]), CleaningOptions.Default);
        var clock = TimeProvider.System;
        var history = new ImportHistory(cleaner, new IngestEvents(store, Lodestar.Tags.TagRuleSet.Default, clock), clock);
        using var file = ImportFile.Open(path);

        var summary = await history.ImportAsync(CsvImport.Read(file.Content, Uk), null, TestContext.Current.CancellationToken);

        // Row and defect counts computed from the raw file (see CleaningBenchmark.OnlineRetailTruth).
        Assert.Equal(541_909, summary.RowsRead);
        Assert.Equal(0, summary.RowErrors);
        Assert.Equal(25_901, summary.Records); // 25,900 invoice numbers, one of which reappears after others
        Assert.Equal(135_080, summary.QuarantinedByReason[Reasons.MissingIdentity]);
        Assert.Equal(2, summary.QuarantinedByReason[Reasons.ImpossibleAmount]);
        Assert.Equal(file.TotalBytes, file.BytesRead);
    }
}
