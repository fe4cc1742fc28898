using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Lodestar.Analytics.Clv;

/// <summary>The two layouts <see cref="TransactionFiles"/> reads.</summary>
public enum TransactionFileLayout
{
    /// <summary>Comma-separated <c>customer_id,date,amount</c>, with or without a header (other columns are ignored).</summary>
    Csv,

    /// <summary>
    /// The CDNOW files as distributed: whitespace-separated, no header (the master file has one, which is skipped);
    /// <c>master_id sample_id yyyymmdd cds dollars</c> (sample) or <c>customer_id yyyymmdd cds dollars</c> (master).
    /// </summary>
    Cdnow,
}

/// <summary>A row that could not be read: 1-based line number, the column at fault (null: the whole row), why.</summary>
public readonly record struct RowError(int Row, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"row {Row}: {Message}" : $"row {Row}, column {Column}: {Message}";
}

/// <summary>What a transaction file held: the rows read and the rows that were not.</summary>
public sealed record TransactionFile(TransactionFileLayout Layout, ImmutableArray<Transaction> Transactions, ImmutableArray<RowError> Errors, int Rows);

/// <summary>
/// Reads purchase files for the CLV models. The layout is recognised from the first non-empty line (a comma means CSV).
/// Unreadable rows are reported with their line number and column and the rest are kept, so one bad row never costs a run.
/// </summary>
public static class TransactionFiles
{
    private static readonly string[] CustomerNames = ["customer_id", "customerid", "customer", "customer_key", "id"];
    private static readonly string[] DateNames = ["date", "order_date", "orderdate", "transaction_date", "purchase_date", "invoice_date", "invoicedate"];
    private static readonly string[] AmountNames = ["amount", "revenue", "value", "dollars", "dollar_value", "sales", "spend", "monetary"];

    private static readonly string[] DateFormats =
        ["yyyy-MM-dd", "yyyyMMdd", "yyyy/MM/dd", "yyyy-M-d", "yyyy/M/d", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];

    public static TransactionFile Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader);
    }

    public static TransactionFile Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var transactions = ImmutableArray.CreateBuilder<Transaction>();
        var errors = ImmutableArray.CreateBuilder<RowError>();
        var row = 0;
        TransactionFileLayout? layout = null;
        Columns? columns = null;
        while (reader.ReadLine() is { } line)
        {
            row++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            layout ??= line.Contains(',', StringComparison.Ordinal) ? TransactionFileLayout.Csv : TransactionFileLayout.Cdnow;
            var fields = layout == TransactionFileLayout.Csv ? SplitCsv(line) : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns is null)
            {
                var (found, isHeader, problem) = layout == TransactionFileLayout.Csv ? CsvColumns(fields, row) : CdnowColumns(fields, row);
                if (found is null)
                {
                    errors.Add(problem ?? new RowError(row, null, "layout not recognised"));
                    return new TransactionFile(layout.Value, [], errors.ToImmutable(), row);
                }
                columns = found;
                if (isHeader)
                {
                    continue;
                }
            }
            if (Parse(fields, columns, row, errors) is { } transaction)
            {
                transactions.Add(transaction);
            }
        }
        return new TransactionFile(layout ?? TransactionFileLayout.Csv, transactions.ToImmutable(), errors.ToImmutable(), row);
    }

    private sealed record Columns(int Count, int Customer, int Date, int Amount, string CustomerName, string DateName, string AmountName);

    private static Transaction? Parse(string[] fields, Columns columns, int row, ImmutableArray<RowError>.Builder errors)
    {
        if (fields.Length < columns.Count)
        {
            errors.Add(new RowError(row, null, $"{fields.Length} fields, expected {columns.Count}"));
            return null;
        }
        var customer = fields[columns.Customer].Trim();
        var ok = true;
        if (customer.Length == 0)
        {
            errors.Add(new RowError(row, columns.CustomerName, "empty customer id"));
            ok = false;
        }
        if (!TryParseDate(fields[columns.Date], out var date))
        {
            errors.Add(new RowError(row, columns.DateName, $"'{fields[columns.Date]}' is not a date (yyyy-MM-dd or yyyymmdd)"));
            ok = false;
        }
        if (!decimal.TryParse(fields[columns.Amount], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            errors.Add(new RowError(row, columns.AmountName, $"'{fields[columns.Amount]}' is not a number"));
            ok = false;
        }
        else if (amount < 0)
        {
            errors.Add(new RowError(row, columns.AmountName, $"negative amount {amount.ToString(CultureInfo.InvariantCulture)} (a refund is not a purchase)"));
            ok = false;
        }
        return ok ? new Transaction(customer, date, amount) : null;
    }

    private static (Columns? Columns, bool IsHeader, RowError? Problem) CsvColumns(string[] fields, int row)
    {
        var isHeader = fields.Length >= 2 && !TryParseDate(fields[1], out _) && fields.Any(f => f.Any(char.IsLetter));
        if (!isHeader)
        {
            return fields.Length < 3
                ? (null, false, new RowError(row, null, $"{fields.Length} fields; a CSV without header needs customer_id,date,amount"))
                : (new Columns(3, 0, 1, 2, "customer_id", "date", "amount"), false, null);
        }
        var names = fields.Select(f => f.Trim().ToLowerInvariant()).ToArray();
        var customer = Find(names, CustomerNames);
        var date = Find(names, DateNames);
        var amount = Find(names, AmountNames);
        if (customer < 0 || date < 0 || amount < 0)
        {
            var missing = new[] { (customer, "customer_id"), (date, "date"), (amount, "amount") }.Where(c => c.Item1 < 0).Select(c => c.Item2);
            return (null, true, new RowError(row, null, $"header has no {string.Join(", ", missing)} column (found: {string.Join(", ", names)})"));
        }
        return (new Columns(Math.Max(customer, Math.Max(date, amount)) + 1, customer, date, amount, fields[customer].Trim(), fields[date].Trim(), fields[amount].Trim()), true, null);
    }

    private static (Columns? Columns, bool IsHeader, RowError? Problem) CdnowColumns(string[] fields, int row)
    {
        var isHeader = !fields.All(f => decimal.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        return fields.Length switch
        {
            5 => (new Columns(5, 0, 2, 4, "master_id", "date", "dollars"), isHeader, null),
            4 => (new Columns(4, 0, 1, 3, "customer_id", "date", "dollars"), isHeader, null),
            _ => (null, false, new RowError(row, null, $"{fields.Length} whitespace-separated fields: neither the CDNOW sample (5) nor master (4) layout, and no comma for CSV")),
        };
    }

    private static int Find(string[] names, string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            var i = Array.IndexOf(names, candidate);
            if (i >= 0)
            {
                return i;
            }
        }
        return -1;
    }

    private static bool TryParseDate(string text, out DateOnly date)
    {
        text = text.Trim();
        if (DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }
        // Timestamps: the calendar day as written, whatever the offset (a purchase belongs to the day the shop saw it).
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var instant) && text.Length >= 10 && text[4] == '-')
        {
            date = DateOnly.FromDateTime(instant.DateTime);
            return true;
        }
        date = default;
        return false;
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting within the line; quoted line breaks are not supported).</summary>
    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
