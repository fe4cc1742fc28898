using System.Collections.Immutable;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Validation;

namespace Lodestar.Ingestion;

/// <summary>
/// One record read from an import file: a parsed event (an imported order may span several rows, each line keeping its
/// row in <see cref="OrderLine.Row"/>) or the field errors of one row that could not be read. <see cref="Row"/> is the
/// 1-based data row where the record starts (the header is not counted).
/// </summary>
public sealed record ImportRecord(int Row, Validated<RawEvent> Parsed);

/// <summary>Running totals of an import, reported after each batch. Records are events; rows are file rows.</summary>
public sealed record ImportProgress(
    int RowsRead,
    int Records,
    int Accepted,
    int Quarantined,
    int Duplicates,
    int RowErrors,
    ImmutableSortedDictionary<string, int> RowErrorsByField);

/// <summary>
/// The outcome of an import. <see cref="QuarantinedByReason"/> and <see cref="RepairsByReason"/> count rows: a
/// line-level finding counts its own row, a record-level one every row of the record (all lines of an order), and a
/// row with several reasons counts once under each. Records that were already known (a re-import) count as
/// <see cref="Duplicates"/> and nowhere else, so importing a file twice changes nothing.
/// </summary>
public sealed record ImportSummary(
    int RowsRead,
    int Records,
    int Accepted,
    int Quarantined,
    int Duplicates,
    int Merges,
    int QuarantinedRows,
    int RowErrors,
    ImmutableSortedDictionary<string, int> QuarantinedByReason,
    ImmutableSortedDictionary<string, int> RepairsByReason,
    ImmutableSortedDictionary<string, int> RowErrorsByField,
    ImmutableArray<FieldError> RowErrorSamples);

/// <summary>
/// Imports history: cleans each parsed record and ingests them in batches through the same use case as live events, so
/// an imported order is deduplicated, attributed and quarantined exactly like one that arrived over HTTP. Rows that
/// could not be read are counted and sampled, never dropped silently; the rest of the file continues.
/// </summary>
public sealed class ImportHistory(Cleaner cleaner, IngestEvents ingest, TimeProvider time)
{
    /// <summary>How many row errors the summary keeps verbatim; all of them are counted by field.</summary>
    public const int MaxErrorSamples = 100;

    /// <summary>Records per ingest batch (one store round trip and one atomic commit each).</summary>
    public int BatchSize { get; init; } = 2_000;

    public async Task<ImportSummary> ImportAsync(IEnumerable<ImportRecord> records, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        var batch = new List<(RawEvent Raw, CleanResult Clean)>(BatchSize);
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tally.SeeRows(record);
            if (!record.Parsed.IsValid)
            {
                tally.AddRowError(record.Parsed.Errors);
                continue;
            }
            var raw = record.Parsed.Value!;
            batch.Add((raw, cleaner.Clean(raw, time.GetUtcNow())));
            if (batch.Count >= BatchSize)
            {
                await FlushAsync(batch, tally, cancellationToken);
                progress?.Report(tally.Progress());
            }
        }
        if (batch.Count > 0)
        {
            await FlushAsync(batch, tally, cancellationToken);
        }
        progress?.Report(tally.Progress());
        return tally.Summary();
    }

    private async Task FlushAsync(List<(RawEvent Raw, CleanResult Clean)> batch, Tally tally, CancellationToken cancellationToken)
    {
        var report = await ingest.IngestAsync([.. batch.Select(b => b.Clean)], cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            tally.Add(batch[i].Raw, batch[i].Clean, report.Items[i]);
        }
        tally.Merges += report.Merges;
        batch.Clear();
    }

    private sealed class Tally
    {
        private readonly Dictionary<string, int> _quarantined = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _repairs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _errorsByField = new(StringComparer.Ordinal);
        private readonly List<FieldError> _errorSamples = [];
        private int _rowsRead;
        private int _records;
        private int _accepted;
        private int _quarantinedRecords;
        private int _duplicates;
        private int _quarantinedRows;
        private int _rowErrors;

        public int Merges { get; set; }

        public void SeeRows(ImportRecord record)
        {
            var last = record.Row;
            if (record.Parsed.Value?.Order is { } order)
            {
                foreach (var line in order.Lines)
                {
                    last = Math.Max(last, line.Row);
                }
            }
            _rowsRead = Math.Max(_rowsRead, last);
        }

        public void AddRowError(IReadOnlyList<FieldError> errors)
        {
            _rowErrors++;
            foreach (var error in errors)
            {
                var field = FieldOf(error.Pointer);
                _errorsByField[field] = _errorsByField.GetValueOrDefault(field) + 1;
                if (_errorSamples.Count < MaxErrorSamples)
                {
                    _errorSamples.Add(error);
                }
            }
        }

        /// <summary>Counts one ingested record, row by row (see <see cref="ImportSummary"/>).</summary>
        public void Add(RawEvent raw, CleanResult clean, ItemResult item)
        {
            _records++;
            switch (item.Outcome)
            {
                case Outcome.Duplicate:
                    _duplicates++;
                    return;
                case Outcome.Accepted:
                    _accepted++;
                    break;
                default:
                    _quarantinedRecords++;
                    break;
            }
            var recordLevel = clean.Findings.Where(f => f.Quarantines && f.Line < 0).Select(f => f.Code).ToList();
            // The ingest use case puts a content-duplicate reason first, ahead of the record-level findings.
            if (item.Outcome == Outcome.Quarantined && item.Reasons.Length == recordLevel.Count + 1
                && item.Reasons[0] is Reasons.DuplicateContent or Reasons.NearDuplicate)
            {
                recordLevel.Add(item.Reasons[0]);
            }
            var recordRepairs = clean.Findings.Where(f => !f.Quarantines && f.Line < 0).Select(f => f.Code).Distinct().ToList();
            var lines = raw.Order?.Lines ?? [];
            IEnumerable<int> units = lines.IsEmpty ? [-1] : lines.Select((l, i) => l.Row > 0 ? l.Row : i);
            foreach (var unit in units)
            {
                var codes = new HashSet<string>(StringComparer.Ordinal);
                if (item.Outcome == Outcome.Quarantined)
                {
                    codes.UnionWith(recordLevel);
                }
                codes.UnionWith(clean.Findings.Where(f => f.Quarantines && f.Line >= 0 && f.Line == unit).Select(f => f.Code));
                foreach (var code in codes)
                {
                    _quarantined[code] = _quarantined.GetValueOrDefault(code) + 1;
                }
                if (codes.Count > 0)
                {
                    _quarantinedRows++;
                }
                foreach (var code in recordRepairs)
                {
                    _repairs[code] = _repairs.GetValueOrDefault(code) + 1;
                }
            }
        }

        public ImportProgress Progress() => new(_rowsRead, _records, _accepted, _quarantinedRecords, _duplicates, _rowErrors,
            _errorsByField.ToImmutableSortedDictionary(StringComparer.Ordinal));

        public ImportSummary Summary() => new(_rowsRead, _records, _accepted, _quarantinedRecords, _duplicates, Merges, _quarantinedRows, _rowErrors,
            _quarantined.ToImmutableSortedDictionary(StringComparer.Ordinal),
            _repairs.ToImmutableSortedDictionary(StringComparer.Ordinal),
            _errorsByField.ToImmutableSortedDictionary(StringComparer.Ordinal),
            [.. _errorSamples]);

        /// <summary>"/rows/123/Quantity" → "/rows/*/Quantity": errors are counted per column, not per row.</summary>
        private static string FieldOf(string pointer)
        {
            const string prefix = "/rows/";
            if (!pointer.StartsWith(prefix, StringComparison.Ordinal))
            {
                return pointer;
            }
            var end = pointer.IndexOf('/', prefix.Length);
            return end < 0 ? prefix + "*" : prefix + "*" + pointer[end..];
        }
    }
}
