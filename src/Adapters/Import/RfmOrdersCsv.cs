using System.Globalization;
using Lodestar.Scoring;
using Lodestar.Validation;
using Sylvan.Data.Csv;

namespace Lodestar.Import;

/// <summary>One data row of an RFM orders file (1-based; 0 for the header), read or with its field errors.</summary>
public sealed record RfmOrderRecord(int Row, Validated<RfmOrder> Order);

/// <summary>
/// The R <c>rfm</c> package's order layout: <c>customer_id, order_date, revenue</c> (other columns ignored), one row
/// per order. Dates are calendar dates (<c>2006-12-31</c>; a time of day, if any, is dropped); revenue is a plain
/// decimal number in any currency. Errors point at <c>/rows/{row}/{column}</c>.
/// </summary>
public static class RfmOrdersCsv
{
    public static readonly string[] Columns = ["customer_id", "order_date", "revenue"];

    /// <summary>Yields one record per data row, lazily; a missing column yields one error record at row 0 and nothing else.</summary>
    public static IEnumerable<RfmOrderRecord> Read(Stream content)
    {
        using var csv = Csv.Open(content);
        var ordinals = Columns.Select(c => Csv.Ordinal(csv, c)).ToArray();
        var missing = Columns.Where((_, i) => ordinals[i] < 0).ToList();
        if (missing.Count > 0)
        {
            yield return new RfmOrderRecord(0, Validated<RfmOrder>.Fail([.. missing.Select(c => new FieldError($"/header/{c}", "column is missing"))]));
            yield break;
        }
        var row = 0;
        while (csv.Read())
        {
            row++;
            yield return new RfmOrderRecord(row, ReadRow(csv, row, ordinals[0], ordinals[1], ordinals[2]));
        }
    }

    private static Validated<RfmOrder> ReadRow(CsvDataReader csv, int row, int customer, int date, int revenue)
    {
        var errors = new List<FieldError>();
        var key = Csv.Text(csv, customer);
        if (key is null)
        {
            errors.Add(new FieldError(Csv.Pointer(row, "customer_id"), "is required"));
        }
        if (!TryDate(Csv.Field(csv, date), out var day))
        {
            errors.Add(new FieldError(Csv.Pointer(row, "order_date"), "must be a date such as 2006-12-31"));
        }
        if (!decimal.TryParse(Csv.Field(csv, revenue), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var amount))
        {
            errors.Add(new FieldError(Csv.Pointer(row, "revenue"), "must be a number such as 32 or 32.50"));
        }
        return errors.Count > 0 ? Validated<RfmOrder>.Fail(errors) : Validated<RfmOrder>.Ok(new RfmOrder(key!, day, amount));
    }

    private static bool TryDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }
        // Exports from spreadsheets and data frames sometimes add a time of day; the calendar date is what counts.
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            date = DateOnly.FromDateTime(at);
            return true;
        }
        return false;
    }
}
