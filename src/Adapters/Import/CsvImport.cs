using System.Text;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Lodestar.Validation;
using Sylvan.Data.Csv;

namespace Lodestar.Import;

/// <summary>The CSV layouts the import understands (docs/import-formats.md).</summary>
public enum ImportFormat
{
    /// <summary>The UCI Online Retail layout: InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country.</summary>
    OnlineRetail,

    /// <summary>The generic event layout: messageId, type, event, userId, anonymousId, phone, email, openid, timestamp, properties.</summary>
    Events,
}

/// <summary>Reads an import file in either layout, recognising the layout by its header row when not told.</summary>
public static class CsvImport
{
    /// <summary>The layout a header row belongs to, or null when it is neither.</summary>
    public static ImportFormat? DetectFormat(IEnumerable<string> header)
    {
        var names = header.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (names.Contains("InvoiceNo") && names.Contains("StockCode"))
        {
            return ImportFormat.OnlineRetail;
        }
        return names.Contains("type") && names.Contains("timestamp") ? ImportFormat.Events : null;
    }

    /// <summary>
    /// Yields the file's records lazily. An unknown layout yields one error record at row 0 (pointer <c>/header</c>);
    /// a row that cannot be read yields an error record for that row and reading continues.
    /// </summary>
    public static IEnumerable<ImportRecord> Read(Stream content, SourceContext context, ImportFormat? format = null)
    {
        using var csv = Csv.Open(content);
        var detected = format ?? DetectFormat(Csv.Header(csv));
        IEnumerable<ImportRecord> records = detected switch
        {
            ImportFormat.OnlineRetail => OnlineRetailCsv.ReadRows(csv, context),
            ImportFormat.Events => EventCsv.ReadRows(csv, context),
            _ => [new ImportRecord(0, Validated<Lodestar.Events.RawEvent>.Fail(
                [new FieldError("/header", "not a known import layout: expected the Online Retail or the event CSV header")]))],
        };
        foreach (var record in records)
        {
            yield return record;
        }
    }
}

/// <summary>Shared CSV plumbing: one reader configuration, header lookup and row pointers.</summary>
internal static class Csv
{
    public static CsvDataReader Open(Stream content)
    {
        var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        // The delimiter is fixed: auto-detection could be misled by commas inside a quoted JSON cell.
        return CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',', BufferSize = 1 << 16, OwnsReader = true });
    }

    public static IEnumerable<string> Header(CsvDataReader csv) => Enumerable.Range(0, csv.FieldCount).Select(csv.GetName);

    /// <summary>The ordinal of a column by case-insensitive name, or -1.</summary>
    public static int Ordinal(CsvDataReader csv, string name)
    {
        for (var i = 0; i < csv.FieldCount; i++)
        {
            if (string.Equals(csv.GetName(i).Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A field of the current row, trimmed; empty when the column is absent or the row is short.</summary>
    public static ReadOnlySpan<char> Field(CsvDataReader csv, int ordinal) =>
        ordinal >= 0 && ordinal < csv.RowFieldCount ? csv.GetFieldSpan(ordinal).Trim() : [];

    public static string? Text(CsvDataReader csv, int ordinal)
    {
        var span = Field(csv, ordinal);
        return span.IsEmpty ? null : span.ToString();
    }

    public static string Pointer(int row, string column) => $"/rows/{row}/{column}";
}
