using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Import;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Lodestar.Tags;
using Sylvan.Data.Csv;

namespace Lodestar.Simulation;

/// <summary>
/// One rule's confusion counts. Precision is 1 when the rule flagged nothing, recall 1 when nothing was to be found,
/// so an idle rule does not count as broken (its counts show it was idle).
/// </summary>
public sealed record RuleScore(string Rule, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    internal static double Ratio(int hits, int total) => total == 0 ? 1.0 : (double)hits / total;
}

/// <summary>Micro-averaged over all rules: every (record, code) decision counts once.</summary>
public sealed record OverallScore(int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => RuleScore.Ratio(TruePositives, TruePositives + FalsePositives);

    public double Recall => RuleScore.Ratio(TruePositives, TruePositives + FalseNegatives);

    public static OverallScore Of(IEnumerable<RuleScore> rules)
    {
        var list = rules.ToList();
        return new OverallScore(list.Sum(r => r.TruePositives), list.Sum(r => r.FalsePositives), list.Sum(r => r.FalseNegatives));
    }
}

/// <summary>
/// The scores on one data set. <see cref="Records"/> counts what was scored (requests, or file rows for Online
/// Retail); <see cref="Unparsed"/> of them never reached the rules (their expected codes count as misses).
/// </summary>
public sealed record DatasetScore(
    string Dataset,
    int Records,
    int DirtyRecords,
    int Unparsed,
    double Seconds,
    OverallScore Overall,
    ImmutableArray<RuleScore> Rules,
    string Scope);

/// <summary>
/// The report of <c>bench cleaning</c>: <see cref="Overall"/> and <see cref="Rules"/> sum the counts of every data set,
/// <see cref="Datasets"/> holds each one's own. Serialise with <see cref="ToJson"/> (camelCase: overall.precision,
/// overall.recall, rules[]).
/// </summary>
public sealed record CleaningBenchmarkReport(OverallScore Overall, ImmutableArray<RuleScore> Rules, ImmutableArray<DatasetScore> Datasets)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static CleaningBenchmarkReport Combine(IEnumerable<DatasetScore> datasets)
    {
        var list = datasets.ToImmutableArray();
        var rules = list.SelectMany(d => d.Rules).GroupBy(r => r.Rule, StringComparer.Ordinal)
            .Select(g => new RuleScore(g.Key, g.Sum(r => r.TruePositives), g.Sum(r => r.FalsePositives), g.Sum(r => r.FalseNegatives)))
            .OrderBy(r => r.Rule, StringComparer.Ordinal).ToImmutableArray();
        return new CleaningBenchmarkReport(OverallScore.Of(rules), rules, list);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record CleaningBenchmarkOptions
{
    public required SyntheticShopOptions Shop { get; init; }

    /// <summary>The Online Retail file (.csv or .csv.gz); skipped when null or absent.</summary>
    public string? OnlineRetailPath { get; init; }

    /// <summary>Score only the first rows of the file (null: all of it).</summary>
    public int? OnlineRetailMaxRows { get; init; }
}

/// <summary>
/// Measures the cleaning rules against ground truth: on the synthetic shop (parsed by the HTTP API's parsers, cleaned,
/// and ingested into a store from <paramref name="storeFactory"/> so the duplicate rules count too), and on UCI Online
/// Retail, whose known defects are derived from the raw columns independently of the importer.
/// </summary>
public sealed class CleaningBenchmark(Func<IIngestStore> storeFactory, TimeProvider? time = null)
{
    public const int IngestBatchSize = 1_000;

    /// <summary>The known defects of Online Retail (its README) and the codes that should report them.</summary>
    public static readonly ImmutableArray<string> OnlineRetailRules =
        [Reasons.MissingIdentity, Reasons.Cancellation, Reasons.ImpossibleQuantity, Reasons.ZeroPrice, Reasons.ImpossibleAmount, Reasons.DuplicateContent];

    /// <summary>A fixed key: the benchmark's stores hold only hashes made with it, never raw numbers.</summary>
    private static readonly byte[] BenchmarkKey = SHA256.HashData(Encoding.UTF8.GetBytes("lodestar cleaning benchmark"));

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<CleaningBenchmarkReport> RunAsync(CleaningBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var scores = new List<DatasetScore> { await ScoreSyntheticAsync(SyntheticShop.Generate(options.Shop), cancellationToken) };
        if (options.OnlineRetailPath is { } path && File.Exists(path))
        {
            scores.Add(ScoreOnlineRetail(path, options.OnlineRetailMaxRows, cancellationToken));
        }
        return CleaningBenchmarkReport.Combine(scores);
    }

    /// <summary>
    /// Every request goes through the route's parser, the Cleaner (at the shop's end) and the ingest use case, in
    /// sending order and batches. The codes flagged for a request are its findings' codes plus the ingest reasons.
    /// </summary>
    public async Task<DatasetScore> ScoreSyntheticAsync(SyntheticShop shop, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var context = shop.Context;
        var cleaner = new Cleaner(new PiiProtector(BenchmarkKey), CleaningOptions.Default);
        var store = storeFactory();
        try
        {
            var ingest = new IngestEvents(store, TagRuleSet.Default, new FixedClock(shop.End));
            var tally = new Tally();
            var unparsed = 0;
            foreach (var chunk in shop.Records.Chunk(IngestBatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var flagged = new HashSet<string>[chunk.Length];
                var cleaned = new List<(int Index, CleanResult Result)>(chunk.Length);
                for (var i = 0; i < chunk.Length; i++)
                {
                    flagged[i] = new HashSet<string>(StringComparer.Ordinal);
                    var parsed = IngestRoutes.Parse(chunk[i].Route, chunk[i].Body, context);
                    if (!parsed.IsValid)
                    {
                        unparsed++;
                        continue;
                    }
                    var result = cleaner.Clean(parsed.Value!, context.ReceivedAt);
                    flagged[i].UnionWith(result.Findings.Select(f => f.Code));
                    cleaned.Add((i, result));
                }
                var report = await ingest.IngestAsync([.. cleaned.Select(c => c.Result)], cancellationToken);
                for (var k = 0; k < cleaned.Count; k++)
                {
                    flagged[cleaned[k].Index].UnionWith(report.Items[k].Reasons);
                }
                for (var i = 0; i < chunk.Length; i++)
                {
                    tally.Score(chunk[i].Truth, flagged[i]);
                }
            }
            return tally.Result("synthetic", shop.Records.Length, shop.DirtyRecords, unparsed, clock.Elapsed.TotalSeconds,
                $"{shop.Options.Customers} customers, seed {shop.Options.Seed}; every reason code");
        }
        finally
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>
    /// Scores the importer and the Cleaner row by row on Online Retail. Truth per row, from the raw columns: no
    /// CustomerID → missing_identity; a C invoice → cancellation; quantity ≤ 0 on another invoice → impossible_quantity;
    /// UnitPrice = 0 → zero_price, &lt; 0 → impossible_amount; a row equal in every column to an earlier one →
    /// duplicate_content. Flags per row: its line findings plus its order's record-level findings. The README defines no
    /// truth for repairs such as timestamp_to_utc, so only the rules above and any other quarantine code are scored.
    /// </summary>
    public DatasetScore ScoreOnlineRetail(string path, int? maxRows, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var limit = maxRows ?? int.MaxValue;
        var truth = OnlineRetailTruth(path, limit, cancellationToken);
        var rows = truth.Count;
        var flags = new List<string>?[rows + 1];
        var cleaner = new Cleaner(new PiiProtector(BenchmarkKey), CleaningOptions.Default);
        var now = _time.GetUtcNow();
        var unparsed = 0;
        using (var file = ImportFile.Open(path))
        {
            foreach (var record in OnlineRetailCsv.Read(file.Content, new SourceContext(now, TimeSpan.Zero)))
            {
                if (record.Row > rows)
                {
                    break;
                }
                cancellationToken.ThrowIfCancellationRequested();
                if (!record.Parsed.IsValid)
                {
                    unparsed++;
                    continue;
                }
                var raw = record.Parsed.Value!;
                var result = cleaner.Clean(raw, now);
                var scored = result.Findings.Where(f => f.Quarantines || f.Code == Reasons.Cancellation).ToList();
                foreach (var line in raw.Order?.Lines ?? [])
                {
                    if (line.Row > rows)
                    {
                        continue;
                    }
                    foreach (var finding in scored.Where(f => f.Line < 0 || f.Line == line.Row))
                    {
                        (flags[line.Row] ??= []).Add(finding.Code);
                    }
                }
            }
        }
        var tally = new Tally(OnlineRetailRules);
        var dirty = 0;
        for (var row = 1; row <= rows; row++)
        {
            var expected = truth[row - 1];
            dirty += expected.Count > 0 ? 1 : 0;
            tally.Score(expected, (IReadOnlyCollection<string>?)flags[row] ?? []);
        }
        return tally.Result("online-retail", rows, dirty, unparsed, clock.Elapsed.TotalSeconds,
            "rows; known defects per the data set's README, plus any other quarantine code as a false positive");
    }

    /// <summary>The README's defects, read straight from the columns (not through the importer).</summary>
    private static List<List<string>> OnlineRetailTruth(string path, int limit, CancellationToken cancellationToken)
    {
        var truth = new List<List<string>>();
        var seen = new HashSet<UInt128>();
        using var file = ImportFile.Open(path);
        using var text = new StreamReader(file.Content, Encoding.UTF8);
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' });
        int Column(string name) => csv.GetOrdinal(name);
        int invoice = Column("InvoiceNo"), quantity = Column("Quantity"), price = Column("UnitPrice"), customer = Column("CustomerID");
        var fields = new string[csv.FieldCount];
        Span<byte> hash = stackalloc byte[32];
        while (truth.Count < limit && csv.Read())
        {
            if ((truth.Count & 0xffff) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = csv.GetString(i);
            }
            var codes = new List<string>(2);
            var cancellation = fields[invoice].StartsWith('C');
            if (fields[customer].Trim().Length == 0)
            {
                codes.Add(Reasons.MissingIdentity);
            }
            if (cancellation)
            {
                codes.Add(Reasons.Cancellation);
            }
            else if (decimal.Parse(fields[quantity], CultureInfo.InvariantCulture) <= 0)
            {
                codes.Add(Reasons.ImpossibleQuantity);
            }
            var unitPrice = decimal.Parse(fields[price], NumberStyles.Number, CultureInfo.InvariantCulture);
            if (unitPrice == 0)
            {
                codes.Add(Reasons.ZeroPrice);
            }
            else if (unitPrice < 0)
            {
                codes.Add(Reasons.ImpossibleAmount);
            }
            SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', fields)), hash);
            if (!seen.Add(new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]))))
            {
                codes.Add(Reasons.DuplicateContent);
            }
            truth.Add(codes);
        }
        return truth;
    }

    /// <summary>Confusion counts per code; with a fixed rule list, repairs outside it are not scored.</summary>
    private sealed class Tally(IReadOnlyCollection<string>? scoredRules = null)
    {
        private readonly Dictionary<string, (int Tp, int Fp, int Fn)> _counts = new(StringComparer.Ordinal);

        public void Score(IReadOnlyCollection<string> truth, IReadOnlyCollection<string> flagged)
        {
            foreach (var code in truth.Union(flagged, StringComparer.Ordinal))
            {
                if (scoredRules is not null && !scoredRules.Contains(code) && !SyntheticShop.QuarantineCodes.Contains(code))
                {
                    continue;
                }
                var (tp, fp, fn) = _counts.GetValueOrDefault(code);
                var expected = truth.Contains(code);
                var found = flagged.Contains(code);
                _counts[code] = expected && found ? (tp + 1, fp, fn) : found ? (tp, fp + 1, fn) : (tp, fp, fn + 1);
            }
            foreach (var rule in scoredRules ?? [])
            {
                _counts.TryAdd(rule, default);
            }
        }

        public DatasetScore Result(string dataset, int records, int dirty, int unparsed, double seconds, string scope)
        {
            var rules = _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new RuleScore(kv.Key, kv.Value.Tp, kv.Value.Fp, kv.Value.Fn)).ToImmutableArray();
            return new DatasetScore(dataset, records, dirty, unparsed, seconds, OverallScore.Of(rules), rules, scope);
        }
    }

    /// <summary>The shop's end as "now", so the tag rules and the future-timestamp rule see the same instant on every run.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
