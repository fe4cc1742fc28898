using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Cleaning;

public sealed class CleanerOrderTests
{
    private static CleanResult CleanOrder(Order order) =>
        Pii.Cleaner.Clean(Raw(type: EventType.Order, name: "Order Completed", source: "pos", order: order), Clock.T0);

    [Fact]
    public void Clean_ValidSale_KeepsEveryLineWithoutFindings()
    {
        var result = CleanOrder(Order(lines: [Line("SKU-1", 2, 1_999), Line("SKU-2", 1, 5_000)]));

        Assert.Empty(result.Findings);
        Assert.False(result.Quarantined);
        Assert.False(result.Event.Order!.IsCancellation);
        Assert.Equal(2 * 1_999 + 5_000, result.Event.Order.AmountMinor);
    }

    [Fact]
    public void Clean_OrderIdStartingWithC_IsACancellation()
    {
        var result = CleanOrder(Order("C536379", lines: [Line("SKU-1", 3, 1_000)]));

        Assert.True(result.Event.Order!.IsCancellation);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(Reasons.Cancellation, finding.Code);
        Assert.False(finding.Quarantines);
        Assert.Equal(3, Assert.Single(result.Event.Order.Lines).Quantity);
    }

    [Fact]
    public void Clean_AllQuantitiesNegativeOnAnOrdinaryOrder_IsAStockWriteOffNotAReturn()
    {
        // Online Retail's non-C invoices with only negative lines are write-offs (damaged, lost): a return says so.
        var result = CleanOrder(Order("536380", lines: [Line("SKU-1", -2, 1_999), Line("SKU-2", -1, 5_000)]));

        Assert.True(result.Quarantined);
        Assert.False(result.Event.Order!.IsCancellation);
        Assert.Equal([Reasons.ImpossibleQuantity, Reasons.ImpossibleQuantity], result.Findings.Select(f => f.Code));
        Assert.All(result.Findings, f => Assert.True(f.Quarantines));
    }

    [Fact]
    public void Clean_ReturnFlaggedBySource_IsACancellation()
    {
        var result = CleanOrder(Order("R-9", isCancellation: true, lines: [Line("SKU-1", 1, 1_999)]));

        Assert.True(result.Event.Order!.IsCancellation);
        Assert.Equal([Reasons.Cancellation], result.Findings.Select(f => f.Code));
    }

    public static TheoryData<string, OrderLine, string> BadLines => new()
    {
        { "zero unit price", Line("FREE", 1, 0), Reasons.ZeroPrice },
        { "negative unit price", Line("NEG", 1, -500), Reasons.ImpossibleAmount },
        { "zero quantity on a sale", Line("Q0", 0, 1_000), Reasons.ImpossibleQuantity },
        { "negative quantity on a sale", Line("QNEG", -1, 1_000), Reasons.ImpossibleQuantity },
        { "quantity above 10,000", Line("BULK", 10_001, 100), Reasons.ImpossibleQuantity },
        { "line amount above 10⁹ minor units", Line("GOLD", 2, 600_000_000), Reasons.ImpossibleAmount },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Clean_OneBadLineOnASale_QuarantinesOnlyThatLine(string because, OrderLine bad, string reason)
    {
        var good = Line("SKU-1", 2, 1_999);

        var result = CleanOrder(Order(lines: [good, bad]));

        var finding = Assert.Single(result.Findings);
        Assert.Equal(reason, finding.Code);
        Assert.True(finding.Quarantines, because);
        Assert.Equal(1, finding.Line);
        Assert.False(result.Quarantined);
        Assert.Equal([good], result.Event.Order!.Lines);
        Assert.Equal([finding], result.QuarantinedLines);
    }

    [Fact]
    public void Clean_LineAtTheQuantityLimit_IsKept()
    {
        var result = CleanOrder(Order(lines: [Line("BULK", 10_000, 100)]));

        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Clean_DuplicateIdenticalLines_QuarantinesTheRepeatAsDuplicateContent()
    {
        var line = Line("SKU-1", 1, 1_999);

        var result = CleanOrder(Order(lines: [line, Line("SKU-2", 1, 800), line]));

        var finding = Assert.Single(result.Findings);
        Assert.Equal(Reasons.DuplicateContent, finding.Code);
        Assert.Equal(2, finding.Line);
        Assert.True(finding.Quarantines);
        Assert.False(result.Quarantined);
        Assert.Equal(["SKU-1", "SKU-2"], result.Event.Order!.Lines.Select(l => l.Sku));
    }

    [Fact]
    public void Clean_SameSkuAtADifferentPrice_IsNotADuplicate()
    {
        var result = CleanOrder(Order(lines: [Line("SKU-1", 1, 1_999), Line("SKU-1", 1, 1_799)]));

        Assert.Empty(result.Findings);
        Assert.Equal(2, result.Event.Order!.Lines.Length);
    }

    [Fact]
    public void Clean_ImportedLines_ReferToTheSourceRow()
    {
        var result = CleanOrder(Order(lines: [Line("SKU-1", 1, 1_999, row: 41), Line("SKU-2", 1, 0, row: 42)]));

        Assert.Equal(42, Assert.Single(result.Findings).Line);
    }

    [Fact]
    public void Clean_DuplicateImportedRows_AreDuplicatesDespiteDifferentRowNumbers()
    {
        var result = CleanOrder(Order(lines: [Line("SKU-1", 1, 1_999, row: 7), Line("SKU-1", 1, 1_999, row: 8)]));

        var finding = Assert.Single(result.Findings);
        Assert.Equal((Reasons.DuplicateContent, 8), (finding.Code, finding.Line));
    }

    [Fact]
    public void Clean_EveryLineBad_QuarantinesTheRecord()
    {
        var result = CleanOrder(Order(lines: [Line("FREE", 1, 0), Line("Q0", 0, 1_000)]));

        Assert.True(result.Quarantined);
        Assert.Empty(result.Event.Order!.Lines);
        Assert.Equal([(Reasons.ZeroPrice, 0), (Reasons.ImpossibleQuantity, 1)], result.Findings.Select(f => (f.Code, f.Line)));
    }

    [Fact]
    public void Clean_NegativeQuantityOnACancellation_IsNotImpossible()
    {
        var result = CleanOrder(Order("C100", lines: [Line("SKU-1", -2, 1_999), Line("SKU-2", 1, 500)]));

        Assert.Equal([Reasons.Cancellation], result.Findings.Select(f => f.Code));
        Assert.Equal([2, 1], result.Event.Order!.Lines.Select(l => l.Quantity));
    }
}
