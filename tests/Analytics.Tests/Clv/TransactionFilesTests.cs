using Lodestar.Analytics.Clv;

namespace Lodestar.Tests.Clv;

public sealed class TransactionFilesTests
{
    private static TransactionFile Read(string text) => TransactionFiles.Read(new StringReader(text));

    [Fact]
    public void Read_CsvWithHeader_FindsColumnsByName()
    {
        var file = Read("""
            date,amount,customer_id,note
            2024-01-05,12.50,c1,first
            2024-01-09,"1,000.5",c2,quoted
            """.Replace("1,000.5", "1000.5", StringComparison.Ordinal));

        Assert.Equal(TransactionFileLayout.Csv, file.Layout);
        Assert.Empty(file.Errors);
        Assert.Equal([new("c1", new DateOnly(2024, 1, 5), 12.50m), new("c2", new DateOnly(2024, 1, 9), 1000.5m)], file.Transactions);
    }

    [Fact]
    public void Read_CsvWithoutHeader_TakesCustomerDateAmountInOrder()
    {
        var file = Read("c1,20240105,3\n\"c,2\",2024-01-06T18:30:00+08:00,4.25\n");

        Assert.Empty(file.Errors);
        Assert.Equal([new("c1", new DateOnly(2024, 1, 5), 3m), new("c,2", new DateOnly(2024, 1, 6), 4.25m)], file.Transactions);
    }

    /// <summary>The R <c>rfm</c> package's orders file: its own column names, extra columns after them.</summary>
    [Fact]
    public void Read_RfmOrdersHeader_IsRecognised()
    {
        var file = Read("customer_id,order_date,revenue,first_name\nBrion Stark,2004-12-20,32,Brion\n");

        Assert.Equal([new("Brion Stark", new DateOnly(2004, 12, 20), 32m)], file.Transactions);
    }

    [Fact]
    public void Read_BadRows_AreReportedWithRowAndColumnAndTheRestKept()
    {
        var file = Read("""
            customer_id,date,amount
            c1,2024-01-05,10
            c2,yesterday,10
            c3,2024-01-06,ten
            c4,2024-01-07
            ,2024-01-08,1
            c5,2024-01-09,-3
            c6,2024-01-10,7
            """);

        Assert.Equal(["c1", "c6"], file.Transactions.Select(t => t.CustomerId));
        Assert.Equal(
            [new(3, "date", "'yesterday' is not a date (yyyy-MM-dd or yyyymmdd)"), new(4, "amount", "'ten' is not a number"),
             new(5, null, "2 fields, expected 3"), new(6, "customer_id", "empty customer id"),
             new(7, "amount", "negative amount -3 (a refund is not a purchase)")],
            file.Errors);
        Assert.Equal(8, file.Rows);
    }

    [Fact]
    public void Read_HeaderWithoutAmount_IsOneFileLevelError()
    {
        var file = Read("customer_id,date,sku\nc1,2024-01-05,A\n");

        Assert.Empty(file.Transactions);
        var error = Assert.Single(file.Errors);
        Assert.Equal(1, error.Row);
        Assert.Contains("amount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CdnowSampleLayout_IsDetectedWithoutHeader()
    {
        var file = Read(" 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n 00021 0002 1997013x  3   63.34\n");

        Assert.Equal(TransactionFileLayout.Cdnow, file.Layout);
        Assert.Equal([new("00004", new DateOnly(1997, 1, 1), 29.33m), new("00004", new DateOnly(1997, 1, 18), 29.73m)], file.Transactions);
        Assert.Equal([new RowError(3, "date", "'1997013x' is not a date (yyyy-MM-dd or yyyymmdd)")], file.Errors);
    }

    [Fact]
    public void Read_CdnowMasterLayout_SkipsItsHeader()
    {
        var file = Read(" customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n");

        Assert.Empty(file.Errors);
        Assert.Equal([new("00001", new DateOnly(1997, 1, 1), 11.77m)], file.Transactions);
    }

    [Fact]
    public void Read_CdnowSampleFile_ReadsEveryRow()
    {
        var file = Cdnow.File();

        Assert.Equal(TransactionFileLayout.Cdnow, file.Layout);
        Assert.Empty(file.Errors);
        Assert.Equal(6919, file.Transactions.Length);
        Assert.Equal(2357, file.Transactions.Select(t => t.CustomerId).Distinct().Count());
    }
}
