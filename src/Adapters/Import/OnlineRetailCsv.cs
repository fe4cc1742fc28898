using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Lodestar.Validation;
using Sylvan.Data.Csv;

namespace Lodestar.Import;

/// <summary>
/// The UCI Online Retail layout (<c>InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID,
/// Country</c>) as RawEvents: consecutive rows of one invoice form one order, each line keeping its 1-based data row.
/// Amounts are in <see cref="Currency"/>; <c>InvoiceDate</c> is a local time read in the context's tenant offset.
/// Cancellations (<c>C</c> invoices), missing customers and odd quantities pass through unjudged: the Cleaner decides.
/// </summary>
public static class OnlineRetailCsv
{
    public const string Currency = "GBP";

    public const string Source = "import";

    private static readonly string[] Required = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice"];

    /// <summary>Yields one record per invoice and one error record per unreadable row, lazily; the stream stays open.</summary>
    public static IEnumerable<ImportRecord> Read(Stream content, SourceContext context)
    {
        using var csv = Csv.Open(content);
        foreach (var record in ReadRows(csv, context))
        {
            yield return record;
        }
    }

    /// <summary>
    /// The message id of an invoice: stable for the file, so that importing it again changes nothing. An invoice number
    /// that reappears after other invoices is a separate order and gets its occurrence as a suffix.
    /// </summary>
    public static string MessageId(string invoiceNo, int occurrence) =>
        occurrence <= 1 ? $"or-{invoiceNo}" : $"or-{invoiceNo}-{occurrence}";

    internal static IEnumerable<ImportRecord> ReadRows(CsvDataReader csv, SourceContext context)
    {
        var missing = Required.Where(c => Csv.Ordinal(csv, c) < 0).ToList();
        if (missing.Count > 0)
        {
            yield return new ImportRecord(0, Validated<RawEvent>.Fail([.. missing.Select(c => new FieldError($"/header/{c}", "column is missing"))]));
            yield break;
        }
        var columns = new Columns(csv);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        var dates = new DateCache(context.TenantOffset);
        Invoice? current = null;
        var row = 0;
        while (csv.Read())
        {
            row++;
            var errors = new List<FieldError>();
            var line = ReadLine(csv, columns, row, dates, errors, out var invoiceNo, out var at);
            if (line is null)
            {
                yield return new ImportRecord(row, Validated<RawEvent>.Fail(errors));
                continue;
            }
            if (current is not null && current.InvoiceNo != invoiceNo)
            {
                yield return current.ToRecord();
                current = null;
            }
            if (current is null)
            {
                var occurrence = occurrences[invoiceNo] = occurrences.GetValueOrDefault(invoiceNo) + 1;
                current = new Invoice(invoiceNo, MessageId(invoiceNo, occurrence), row, at.At, at.OffsetStated);
            }
            current.Lines.Add(line);
            current.Customer ??= CustomerId(Csv.Field(csv, columns.CustomerId));
            current.Country ??= Csv.Text(csv, columns.Country);
        }
        if (current is not null)
        {
            yield return current.ToRecord();
        }
    }

    private static OrderLine? ReadLine(CsvDataReader csv, Columns columns, int row, DateCache dates, List<FieldError> errors,
        out string invoiceNo, out (DateTimeOffset At, bool OffsetStated) at)
    {
        invoiceNo = Csv.Text(csv, columns.InvoiceNo) ?? "";
        if (invoiceNo.Length == 0)
        {
            errors.Add(new FieldError(Csv.Pointer(row, csv.GetName(columns.InvoiceNo)), "is required"));
        }
        var sku = Csv.Text(csv, columns.StockCode);
        if (sku is null)
        {
            errors.Add(new FieldError(Csv.Pointer(row, csv.GetName(columns.StockCode)), "is required"));
        }
        var quantity = Quantity(Csv.Field(csv, columns.Quantity));
        if (quantity is null)
        {
            errors.Add(new FieldError(Csv.Pointer(row, csv.GetName(columns.Quantity)), "must be a whole number"));
        }
        var price = decimal.TryParse(Csv.Field(csv, columns.UnitPrice), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var p)
            ? p : (decimal?)null;
        if (price is null)
        {
            errors.Add(new FieldError(Csv.Pointer(row, csv.GetName(columns.UnitPrice)), "must be a number"));
        }
        if (!dates.TryParse(Csv.Field(csv, columns.InvoiceDate), out at))
        {
            errors.Add(new FieldError(Csv.Pointer(row, csv.GetName(columns.InvoiceDate)), "must be a date and time such as 2010-12-01 08:26:00"));
        }
        if (errors.Count > 0)
        {
            return null;
        }
        return new OrderLine(sku!, Csv.Text(csv, columns.Description), null, quantity!.Value, Money.ToMinor(price!.Value, Currency), row);
    }

    private static int? Quantity(ReadOnlySpan<char> text)
    {
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var q))
        {
            return q;
        }
        // Exports from data frames write whole numbers as "6.0".
        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d)
            && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;
    }

    /// <summary>CustomerID as written by a data frame ("17850.0") is the member id "17850".</summary>
    private static string? CustomerId(ReadOnlySpan<char> text)
    {
        if (text.EndsWith(".0", StringComparison.Ordinal))
        {
            text = text[..^2];
        }
        return text.IsEmpty ? null : text.ToString();
    }

    private sealed class Columns(CsvDataReader csv)
    {
        public int InvoiceNo { get; } = Csv.Ordinal(csv, "InvoiceNo");
        public int StockCode { get; } = Csv.Ordinal(csv, "StockCode");
        public int Description { get; } = Csv.Ordinal(csv, "Description");
        public int Quantity { get; } = Csv.Ordinal(csv, "Quantity");
        public int InvoiceDate { get; } = Csv.Ordinal(csv, "InvoiceDate");
        public int UnitPrice { get; } = Csv.Ordinal(csv, "UnitPrice");
        public int CustomerId { get; } = Csv.Ordinal(csv, "CustomerID");
        public int Country { get; } = Csv.Ordinal(csv, "Country");
    }

    /// <summary>The rows of one invoice share a date, so the last parse is reused.</summary>
    private sealed class DateCache(TimeSpan offset)
    {
        private string _text = "";
        private (DateTimeOffset, bool) _value;

        public bool TryParse(ReadOnlySpan<char> text, out (DateTimeOffset At, bool OffsetStated) at)
        {
            if (!text.IsEmpty && text.SequenceEqual(_text))
            {
                at = _value;
                return true;
            }
            var s = text.ToString();
            if (Timestamps.TryParse(s, offset, out var parsed, out var stated))
            {
                (_text, _value) = (s, (parsed, stated));
                at = _value;
                return true;
            }
            at = default;
            return false;
        }
    }

    private sealed class Invoice(string invoiceNo, string messageId, int firstRow, DateTimeOffset at, bool offsetStated)
    {
        public string InvoiceNo => invoiceNo;

        public List<OrderLine> Lines { get; } = [];

        public string? Customer { get; set; }

        public string? Country { get; set; }

        public ImportRecord ToRecord() => new(firstRow, Validated<RawEvent>.Ok(new RawEvent
        {
            MessageId = messageId,
            Type = EventType.Order,
            Name = invoiceNo.StartsWith('C') ? "Order Cancelled" : "Order Completed",
            Source = Source,
            Ids = Customer is null ? [] : [new RawIdentifier(IdKind.Member, Customer)],
            Timestamp = at,
            OffsetStated = offsetStated,
            Traits = Country is null ? ImmutableSortedDictionary<string, string>.Empty : ImmutableSortedDictionary<string, string>.Empty.Add("country", Country),
            Order = new Order(invoiceNo, null, Currency, [.. Lines]),
        }));
    }
}
