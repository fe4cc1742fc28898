using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Import;
using Lodestar.Sources;

namespace Lodestar.Tests;

public sealed class EventCsvTests
{
    private static readonly SourceContext China = new(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), SourceContext.ChinaStandardTime);

    private const string Header = "messageId,type,event,userId,anonymousId,phone,email,openid,timestamp,properties\n";

    [Fact]
    public void Read_TrackRow_WithJsonProperties()
    {
        var record = Assert.Single(EventCsv.Read(OnlineRetailCsvTests.Csv(Header
            + "m-1,track,Product Added,M1001,dev-1,,,,2026-05-01T10:00:00+08:00,\"{\"\"sku\"\":\"\"SKU-1\"\",\"\"price\"\":59.9}\"\n"), China));

        var e = record.Parsed.Value!;
        Assert.Equal(("m-1", EventType.Track, "Product Added", "import"), (e.MessageId, e.Type, e.Name, e.Source));
        Assert.Equal([new RawIdentifier(IdKind.Member, "M1001"), new RawIdentifier(IdKind.Anonymous, "dev-1")], e.Ids);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 2, 0, 0, TimeSpan.Zero), e.Timestamp.ToUniversalTime());
        Assert.Equal("SKU-1", e.Properties["sku"].GetString());
        Assert.Equal(59.9, e.Properties["price"].GetDouble());
    }

    [Fact]
    public void Read_IdentifyRow_PropertiesAreTraits_AndLocalTimeIsTheTenants()
    {
        var record = Assert.Single(EventCsv.Read(OnlineRetailCsvTests.Csv(Header
            + ",identify,,,,13912345678,li@example.cn,wx-openid,2026-05-01 10:00:00,\"{\"\"gender\"\":\"\"female\"\",\"\"vip\"\":true}\"\n"), China));

        var e = record.Parsed.Value!;
        Assert.StartsWith("csv-", e.MessageId, StringComparison.Ordinal);
        Assert.Equal(EventType.Identify, e.Type);
        Assert.Equal(["female", "true"], e.Traits.Values);
        Assert.Empty(e.Properties);
        Assert.Equal([IdKind.Phone, IdKind.Email, IdKind.OpenId], e.Ids.Select(i => i.Kind));
        Assert.False(e.OffsetStated);
        Assert.Equal(SourceContext.ChinaStandardTime, e.Timestamp.Offset);
    }

    [Fact]
    public void Read_BadRows_AreNamedByPointer_AndTheRestContinues()
    {
        var records = EventCsv.Read(OnlineRetailCsvTests.Csv(Header
            + "a,click,x,M1,,,,,2026-05-01T10:00:00+08:00,\n"
            + "b,track,,M1,,,,,2026-05-01T10:00:00+08:00,\n"
            + "c,page,Home,M1,,,,,May 1st,\n"
            + "d,page,Home,M1,,,,,2026-05-01T10:00:00+08:00,[1,2]\n"
            + "e,screen,Home,,,,,,1746064800000,\n"
            + "f,page,Home,M1,,,,,1746064800000,\"{\"\"dwellSeconds\"\":3}\"\n"), China).ToList();

        Assert.Equal(
            ["/rows/1/type", "/rows/2/event", "/rows/3/timestamp", "/rows/4/properties", "/rows/5/userId"],
            records.Where(r => !r.Parsed.IsValid).Select(r => Assert.Single(r.Parsed.Errors).Pointer));
        Assert.Equal([1, 2, 3, 4, 5, 6], records.Select(r => r.Row));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1746064800000), records[5].Parsed.Value!.Timestamp);
    }

    [Fact]
    public void Read_WithoutMessageId_DerivesTheSameIdEveryTime()
    {
        const string csv = Header + ",page,Home,M1,,,,,2026-05-01T10:00:00+08:00,\n,page,Home,M1,,,,,2026-05-01T10:00:01+08:00,\n";

        var first = EventCsv.Read(OnlineRetailCsvTests.Csv(csv), China).Select(r => r.Parsed.Value!.MessageId).ToList();
        var second = EventCsv.Read(OnlineRetailCsvTests.Csv(csv), China).Select(r => r.Parsed.Value!.MessageId).ToList();

        Assert.Equal(first, second);
        Assert.NotEqual(first[0], first[1]);
    }

    [Theory]
    [InlineData("messageId,type,event,userId,timestamp,properties", ImportFormat.Events)]
    [InlineData("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country", ImportFormat.OnlineRetail)]
    [InlineData("id,name,value", null)]
    public void DetectFormat_ByHeader(string header, ImportFormat? expected) =>
        Assert.Equal(expected, CsvImport.DetectFormat(header.Split(',')));

    [Fact]
    public void CsvImport_UnknownLayout_IsOneHeaderError()
    {
        var record = Assert.Single(CsvImport.Read(OnlineRetailCsvTests.Csv("id,name\n1,x\n"), China));

        Assert.Equal("/header", Assert.Single(record.Parsed.Errors).Pointer);
    }
}
