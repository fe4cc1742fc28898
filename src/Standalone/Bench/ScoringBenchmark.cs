using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using DuckDB.NET.Data;
using Lodestar.Scoring;

namespace Lodestar.Standalone.Bench;

/// <summary>What `bench scoring` runs: the synthetic shop's size and seed, and how many timed runs of each side.</summary>
internal sealed record ScoringBenchOptions(int Customers = 1_000_000, int Orders = 10_000_000, int Seed = 42, int Runs = 3, bool QuantileCont = false)
{
    /// <summary>The analysis date: fixed, so that a seed gives the same figures on any day.</summary>
    public static DateOnly AnalysisDate { get; } = new(2026, 12, 31);
}

/// <summary>
/// Figures of one `bench scoring` run. Property names are a stable interface (scripts read the JSON): <c>oursSeconds</c>,
/// <c>duckdbSeconds</c> and <c>ratio</c> are the median over the runs; the phases are those of the median run.
/// </summary>
internal sealed record ScoringBenchResult(
    int Customers,
    int Orders,
    int Seed,
    string AnalysisDate,
    int Runs,
    double OursSeconds,
    double DuckdbSeconds,
    double Ratio,
    double RatioGoal,
    string DuckdbCutPoints,
    OursPhases OursPhases,
    DuckdbPhases DuckdbPhases,
    IReadOnlyList<double> OursRunSeconds,
    IReadOnlyList<double> DuckdbRunSeconds,
    double GenerateSeconds,
    double DuckdbLoadSeconds,
    long PeakWorkingSetBytes,
    long PeakWorkingSetAfterOursBytes,
    long MemoryGoalBytes,
    long OursAllocatedBytesPerRun,
    int ScoredCustomers,
    ScoringAgreement Agreement,
    ScoringCutPoints CutPoints,
    IReadOnlyList<NamedCounts> Segments,
    IReadOnlyList<NamedCounts> Tiers,
    string DuckdbVersion,
    int DuckdbThreads,
    string Machine)
{
    public string ToText()
    {
        var lines = new List<string>
        {
            $"bench scoring on {Machine}",
            $"  {Customers:N0} customers, {Orders:N0} orders (seed {Seed}), analysis date {AnalysisDate}; median of {Runs} run(s), DuckDB {DuckdbVersion} on {DuckdbThreads} thread(s)",
            $"  not timed: generation {GenerateSeconds:N2} s, DuckDB load with the Appender {DuckdbLoadSeconds:N2} s",
            "",
            $"  {"ours",-44} {"seconds",8}   {"DuckDB",-40} {"seconds",8}",
            $"  {"aggregate per customer (R, F, M, tenure)",-44} {OursPhases.AggregateSeconds,8:N3}   {"aggregate per customer (CREATE TABLE AS)",-40} {DuckdbPhases.AggregateSeconds,8:N3}",
            $"  {"Rfm.Analyse (cut points, scores, segments)",-44} {OursPhases.RfmSeconds,8:N3}   {$"cut points ({DuckdbCutPoints})",-40} {DuckdbPhases.CutsSeconds,8:N3}",
            $"  {"TierRuleSet.Assign per customer",-44} {OursPhases.TiersSeconds,8:N3}   {"scores, segment and tier CASE (CTAS)",-40} {DuckdbPhases.ScoreSeconds,8:N3}",
            $"  {"total",-44} {OursSeconds,8:N3}   {"total",-40} {DuckdbSeconds,8:N3}",
            $"  runs: ours {string.Join(" / ", OursRunSeconds.Select(s => s.ToString("N3", CultureInfo.InvariantCulture)))} s, DuckDB {string.Join(" / ", DuckdbRunSeconds.Select(s => s.ToString("N3", CultureInfo.InvariantCulture)))} s",
            "",
            $"  RATIO ours / DuckDB: {Ratio:N2}x (goal <= {RatioGoal:N0}x): {(Ratio <= RatioGoal ? "met" : "NOT MET")}",
            $"  peak memory (process working set, both engines): {Gib(PeakWorkingSetBytes)} (after ours, before DuckDB was loaded: {Gib(PeakWorkingSetAfterOursBytes)}); goal <= {Gib(MemoryGoalBytes)}: {(PeakWorkingSetBytes <= MemoryGoalBytes ? "met" : "NOT MET")}",
            $"  ours allocates {OursAllocatedBytesPerRun / (double)(1 << 20):N0} MiB per run",
            "",
            $"  agreement over {ScoredCustomers:N0} customers: {(Agreement.Agree ? "YES" : "NO")} (mismatches: aggregates {Agreement.AggregateMismatches:N0}, scores {Agreement.ScoreMismatches:N0}, segments {Agreement.SegmentMismatches:N0}, tiers {Agreement.TierMismatches:N0}; cut points bit-identical: {(Agreement.CutPointsIdentical ? "yes" : "no")})",
            $"  cut points (+1, as R's rfm): recency {Cuts(CutPoints.Ours.Recency)}; frequency {Cuts(CutPoints.Ours.Frequency)}; monetary {Cuts(CutPoints.Ours.Monetary)}",
        };
        if (!Agreement.CutPointsIdentical)
        {
            lines.Add($"  DuckDB's cut points:         recency {Cuts(CutPoints.Duckdb.Recency)}; frequency {Cuts(CutPoints.Duckdb.Frequency)}; monetary {Cuts(CutPoints.Duckdb.Monetary)}");
        }
        lines.AddRange(Agreement.Examples.Select(e => $"  mismatch: {e}"));
        lines.Add("");
        lines.Add($"  {"segment",-20} {"ours",10} {"DuckDB",10}      {"tier",-12} {"ours",10} {"DuckDB",10}");
        for (var i = 0; i < Math.Max(Segments.Count, Tiers.Count); i++)
        {
            var s = i < Segments.Count ? $"{Segments[i].Name,-20} {Segments[i].Ours,10:N0} {Segments[i].Duckdb,10:N0}" : new string(' ', 42);
            var t = i < Tiers.Count ? $"{Tiers[i].Name,-12} {Tiers[i].Ours,10:N0} {Tiers[i].Duckdb,10:N0}" : "";
            lines.Add($"  {s}      {t}".TrimEnd());
        }
        return string.Join(Environment.NewLine, lines);
    }

    private static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):N2} GiB");

    private static string Cuts(IEnumerable<double> cuts) => string.Join(" / ", cuts.Select(c => c.ToString("R", CultureInfo.InvariantCulture)));
}

internal sealed record OursPhases(double AggregateSeconds, double RfmSeconds, double TiersSeconds);

internal sealed record DuckdbPhases(double AggregateSeconds, double CutsSeconds, double ScoreSeconds);

/// <summary>
/// Whether both sides computed the same thing for every customer: the aggregates (recency, orders, revenue to the last
/// bit, tenure), the three scores, the segment and the tier; the cut points bit for bit; and the count per segment and tier.
/// </summary>
internal sealed record ScoringAgreement(
    bool Agree,
    int CustomersOurs,
    int CustomersDuckdb,
    int AggregateMismatches,
    int ScoreMismatches,
    int SegmentMismatches,
    int TierMismatches,
    bool CutPointsIdentical,
    bool SegmentCountsEqual,
    bool TierCountsEqual,
    IReadOnlyList<string> Examples);

internal sealed record CutPointSet(IReadOnlyList<double> Recency, IReadOnlyList<double> Frequency, IReadOnlyList<double> Monetary);

internal sealed record ScoringCutPoints(CutPointSet Ours, CutPointSet Duckdb);

internal sealed record NamedCounts(string Name, int Ours, int Duckdb);

/// <summary>
/// Seeded synthetic orders held as columns: who ordered (a dense customer index), on which day (<see cref="DateOnly.DayNumber"/>)
/// and for how much (whole cents, so that both engines sum revenue exactly and agree to the last bit).
/// </summary>
internal sealed class ScoringBenchData
{
    private const int HistoryDays = 3 * 365;

    private ScoringBenchData(int customers, int[] customer, int[] day, int[] cents, string[] keys) =>
        (Customers, Customer, Day, Cents, Keys) = (customers, customer, day, cents, keys);

    public int Customers { get; }

    public int[] Customer { get; }

    public int[] Day { get; }

    public int[] Cents { get; }

    /// <summary>The customers' ids as our code keys them ("c0000042"); DuckDB gets the index itself.</summary>
    public string[] Keys { get; }

    public int Orders => Customer.Length;

    /// <summary>
    /// Every customer has a first order on a day of the last three years and further orders spread over an active
    /// window that ends before the analysis date (customers lapse); order counts are skewed (a few customers order
    /// hundreds of times, most a handful) and revenue per order is log-normal around 35.00.
    /// </summary>
    public static ScoringBenchData Generate(int customers, int orders, int seed, DateOnly analysisDate)
    {
        var random = new Random(seed);
        var end = analysisDate.DayNumber;
        var first = new int[customers];
        var active = new int[customers];
        for (var c = 0; c < customers; c++)
        {
            first[c] = end - random.Next(HistoryDays);
            active[c] = (int)((end - first[c]) * Math.Sqrt(random.NextDouble()));
        }
        // Popularity is by rank; the permutation decouples it from the index.
        var byRank = new int[customers];
        for (var c = 0; c < customers; c++)
        {
            byRank[c] = c;
        }
        random.Shuffle(byRank);

        var who = new int[orders];
        var day = new int[orders];
        var cents = new int[orders];
        for (var i = 0; i < orders; i++)
        {
            // The first order of each customer comes first, on the customer's first day; the rest are skewed.
            var c = i < customers ? i : byRank[(int)(customers * Math.Pow(random.NextDouble(), 1.5))];
            who[i] = c;
            day[i] = i < customers ? first[c] : first[c] + random.Next(active[c] + 1);
            cents[i] = Revenue(random);
        }
        var keys = new string[customers];
        for (var c = 0; c < customers; c++)
        {
            keys[c] = "c" + c.ToString("D7", CultureInfo.InvariantCulture);
        }
        return new ScoringBenchData(customers, who, day, cents, keys);
    }

    /// <summary>Log-normal order value (median 35.00), in cents, 0.50 to 50,000.00.</summary>
    private static int Revenue(Random random)
    {
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return (int)Math.Clamp(Math.Round(Math.Exp(Math.Log(3_500) + 0.9 * z)), 50, 5_000_000);
    }
}

/// <summary>Our side: per-customer totals over the order columns, then <see cref="Rfm.Analyse"/>, then the tier rules per customer.</summary>
internal static class OurScoring
{
    /// <summary>One customer's totals; 20 bytes, one array of them for the whole population.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Totals
    {
        public int First;
        public int Last;
        public int Orders;
        public long Cents;
    }

    /// <summary>The result of a run: customer <c>Index[i]</c> has <c>Analysis.Customers[i]</c> and tier <c>Tiers[i]</c>.</summary>
    internal sealed record Output(Totals[] Totals, int[] Index, RfmAnalysis Analysis, string[] Tiers, OursPhases Phases)
    {
        public double Seconds => Phases.AggregateSeconds + Phases.RfmSeconds + Phases.TiersSeconds;
    }

    public static Output Run(ScoringBenchData data, DateOnly analysisDate, RfmScheme scheme, TierRuleSet rules)
    {
        var clock = Stopwatch.StartNew();
        var end = analysisDate.DayNumber;
        var totals = Aggregate(data);
        var scored = 0;
        foreach (ref readonly var t in totals.AsSpan())
        {
            scored += t.Orders > 0 ? 1 : 0;
        }
        var customers = new RfmCustomer[scored];
        var index = new int[scored];
        for (int c = 0, k = 0; c < totals.Length; c++)
        {
            ref readonly var t = ref totals[c];
            if (t.Orders > 0)
            {
                customers[k] = new RfmCustomer(data.Keys[c], end - t.Last, t.Orders, t.Cents / 100.0);
                index[k++] = c;
            }
        }
        var aggregate = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var analysis = Rfm.Analyse(customers, scheme);
        var rfm = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var tiers = new string[scored];
        var results = analysis.Customers;
        // Assign is pure: the customers are split over the cores, as DuckDB splits its work over its threads.
        Parallel.For(0, Environment.ProcessorCount, part =>
        {
            var (from, to) = Slice(scored, part, Environment.ProcessorCount);
            for (var i = from; i < to; i++)
            {
                var r = results[i];
                tiers[i] = rules.Assign(new TierInput
                {
                    Score = r.Score,
                    RfmSegment = r.Segment,
                    TenureDays = end - totals[index[i]].First,
                    DaysSinceLastOrder = r.Customer.RecencyDays,
                    Orders = r.Customer.Orders,
                    Monetary = r.Customer.Monetary,
                });
            }
        });
        var tierSeconds = clock.Elapsed.TotalSeconds;
        return new Output(totals, index, analysis, tiers, new OursPhases(aggregate, rfm, tierSeconds));
    }

    /// <summary>
    /// Sums the order columns per customer: each core takes a slice of the orders into its own totals, and the slices
    /// are merged (a customer index is a dense array index, so no hashing).
    /// </summary>
    private static Totals[] Aggregate(ScoringBenchData data)
    {
        var parts = Environment.ProcessorCount;
        var partial = new Totals[parts][];
        Parallel.For(0, parts, part =>
        {
            var totals = new Totals[data.Customers];
            var (from, to) = Slice(data.Orders, part, parts);
            var (who, days, cents) = (data.Customer, data.Day, data.Cents);
            for (var i = from; i < to; i++)
            {
                ref var t = ref totals[who[i]];
                var day = days[i];
                if (t.Orders == 0)
                {
                    t.First = day;
                    t.Last = day;
                }
                else if (day < t.First)
                {
                    t.First = day;
                }
                else if (day > t.Last)
                {
                    t.Last = day;
                }
                t.Orders++;
                t.Cents += cents[i];
            }
            partial[part] = totals;
        });
        var merged = partial[0];
        for (var p = 1; p < parts; p++)
        {
            var other = partial[p];
            for (var c = 0; c < merged.Length; c++)
            {
                ref readonly var o = ref other[c];
                if (o.Orders == 0)
                {
                    continue;
                }
                ref var t = ref merged[c];
                if (t.Orders == 0)
                {
                    t = o;
                    continue;
                }
                t.First = Math.Min(t.First, o.First);
                t.Last = Math.Max(t.Last, o.Last);
                t.Orders += o.Orders;
                t.Cents += o.Cents;
            }
        }
        return merged;
    }

    private static (int From, int To) Slice(int count, int part, int parts) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));
}

/// <summary>
/// DuckDB's side: the orders table loaded with the Appender, and the same computation in SQL, generated from the same
/// <see cref="RfmScheme"/> and <see cref="TierRuleSet"/> so that the two cannot drift apart.
/// </summary>
internal sealed class DuckDbScoring : IDisposable
{
    private readonly DuckDBConnection _connection;

    private DuckDbScoring(DuckDBConnection connection) => _connection = connection;

    public void Dispose() => _connection.Dispose();

    public static DuckDbScoring Load(ScoringBenchData data)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var duck = new DuckDbScoring(connection);
        duck.Execute("CREATE TABLE orders (customer_id INTEGER NOT NULL, order_date DATE NOT NULL, revenue DECIMAL(12, 2) NOT NULL)");
        using (var appender = connection.CreateAppender("orders"))
        {
            var (who, days, cents) = (data.Customer, data.Day, data.Cents);
            for (var i = 0; i < who.Length; i++)
            {
                appender.CreateRow()
                    .AppendValue(who[i])
                    .AppendValue(DateOnly.FromDayNumber(days[i]))
                    .AppendValue(new decimal(cents[i], 0, 0, false, 2))
                    .EndRow();
            }
        }
        return duck;
    }

    public string Version => Scalar("SELECT version()");

    public int Threads => int.Parse(Scalar("SELECT current_setting('threads')::VARCHAR"), CultureInfo.InvariantCulture);

    /// <summary>
    /// The three statements, from the loaded orders to the materialised result table. The cut points are R's type-7
    /// quantiles computed in SQL with R's arithmetic (see <see cref="ExactCuts"/>), or, with
    /// <paramref name="quantileCont"/>, DuckDB's own <c>quantile_cont</c>, which is type 7 too but rounds differently.
    /// </summary>
    public static IReadOnlyList<string> Statements(DateOnly analysisDate, RfmScheme scheme, TierRuleSet rules, bool quantileCont = false)
    {
        var at = $"DATE '{analysisDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        var aggregate = $"""
            CREATE OR REPLACE TABLE rfm_base AS
            SELECT customer_id,
                   {at} - max(order_date) AS recency_days,
                   count(*) AS orders,
                   CAST(sum(revenue) AS DOUBLE) AS monetary,
                   {at} - min(order_date) AS tenure_days
            FROM orders
            GROUP BY customer_id
            """;
        var dimensions = new[] { ("recency", Bins(scheme.Recency), "recency_days"), ("frequency", Bins(scheme.Frequency), "orders"), ("monetary", Bins(scheme.Monetary), "monetary") };
        var cuts = quantileCont ? QuantileContCuts(dimensions) : ExactCuts(dimensions);
        // Half-open bins: a score is 1 + the number of cut points at or below the value; recency the other way round.
        string Count(string name, int bins, string column) =>
            string.Join(" + ", Enumerable.Range(1, bins - 1).Select(k => $"CAST(c.{name}_{k} <= b.{column} AS INTEGER)"));
        var segments = new StringBuilder("CASE");
        foreach (var rule in scheme.Segments)
        {
            segments.Append(CultureInfo.InvariantCulture,
                $"\n             WHEN r BETWEEN {rule.Recency.Low} AND {rule.Recency.High} AND f BETWEEN {rule.Frequency.Low} AND {rule.Frequency.High} AND m BETWEEN {rule.Monetary.Low} AND {rule.Monetary.High} THEN {Text(rule.Name)}");
        }
        segments.Append(CultureInfo.InvariantCulture, $"\n             ELSE {Text(scheme.Otherwise)} END");
        var tiers = new StringBuilder("CASE");
        foreach (var tier in rules.Tiers)
        {
            tiers.Append(CultureInfo.InvariantCulture, $"\n         WHEN {Sql(tier.When)} THEN {Text(tier.Name)}");
        }
        tiers.Append(CultureInfo.InvariantCulture, $"\n         ELSE {Text(rules.Fallback)} END");
        var score = $"""
            CREATE OR REPLACE TABLE rfm_result AS
            WITH scored AS (
                SELECT b.customer_id, b.recency_days, b.orders, b.monetary, b.tenure_days,
                       {Bins(scheme.Recency)} - ({Count("recency", Bins(scheme.Recency), "recency_days")}) AS r,
                       1 + {Count("frequency", Bins(scheme.Frequency), "orders")} AS f,
                       1 + {Count("monetary", Bins(scheme.Monetary), "monetary")} AS m
                FROM rfm_base AS b CROSS JOIN rfm_cuts AS c),
            segmented AS (
                SELECT *, {segments} AS segment
                FROM scored)
            SELECT *, {tiers} AS tier
            FROM segmented
            """;
        return [aggregate, cuts, score];
    }

    /// <summary>
    /// R's type-7 quantiles in SQL, to the last bit: with <c>h = 1 + (n - 1)·p</c> and <c>p = k · (1 / bins)</c> (R's
    /// <c>seq</c>), the values ranked <c>floor(h)</c> and <c>ceil(h)</c>, interpolated as <c>(1 - f)·lo + f·hi</c> only
    /// when h has a fraction and the two differ, then + 1 (the rfm package's <c>bins()</c>). DuckDB's
    /// <c>quantile_cont</c> takes its fraction from <c>(n - 1)·p</c> and interpolates between equal neighbours, which
    /// changes the last bit now and then; with tied counts a cut point then moves off a value that customers have.
    /// </summary>
    private static string ExactCuts(IEnumerable<(string Name, int Bins, string Column)> dimensions)
    {
        var ctes = new List<string> { "total AS (SELECT count(*) AS n FROM rfm_base)" };
        var columns = new List<string>();
        foreach (var (name, bins, column) in dimensions)
        {
            ctes.Add($"""
                {name}_position AS (
                    SELECT k, 1 + (total.n - 1) * (k * (CAST(1 AS DOUBLE) / {bins})) AS h
                    FROM range(1, {bins}) AS ks(k), total)
                """);
            ctes.Add($"""
                {name}_ranked AS MATERIALIZED (
                    SELECT v, rn
                    FROM (SELECT CAST({column} AS DOUBLE) AS v, row_number() OVER (ORDER BY {column}) AS rn FROM rfm_base)
                    WHERE rn IN (SELECT floor(h) FROM {name}_position) OR rn IN (SELECT ceil(h) FROM {name}_position))
                """);
            ctes.Add($"""
                {name}_cut AS (
                    SELECT p.k,
                           CASE WHEN p.h > floor(p.h) AND hi.v <> lo.v
                                THEN (1 - (p.h - floor(p.h))) * lo.v + (p.h - floor(p.h)) * hi.v
                                ELSE lo.v END + 1 AS cut
                    FROM {name}_position AS p
                    JOIN {name}_ranked AS lo ON lo.rn = floor(p.h)
                    JOIN {name}_ranked AS hi ON hi.rn = ceil(p.h))
                """);
            columns.AddRange(Enumerable.Range(1, bins - 1).Select(k => $"(SELECT cut FROM {name}_cut WHERE k = {k}) AS {name}_{k}"));
        }
        return $"""
            CREATE OR REPLACE TABLE rfm_cuts AS
            WITH {string.Join(",\n", ctes)}
            SELECT {string.Join(",\n       ", columns)}
            """;
    }

    /// <summary>DuckDB's <c>quantile_cont</c> at R's probabilities, + 1: type 7, but not R's rounding (see <see cref="ExactCuts"/>).</summary>
    private static string QuantileContCuts(IEnumerable<(string Name, int Bins, string Column)> dimensions)
    {
        var list = dimensions.ToList();
        var quantiles = string.Join(",\n       ", list.Select(d =>
        {
            var probabilities = string.Join(", ", Quantiles.InnerProbabilities(d.Bins).Select(p => $"'{p.ToString("R", CultureInfo.InvariantCulture)}'::DOUBLE"));
            return $"quantile_cont(CAST({d.Column} AS DOUBLE), [{probabilities}]) AS {d.Name}";
        }));
        var columns = string.Join(",\n       ", list.SelectMany(d => Enumerable.Range(1, d.Bins - 1).Select(k => $"q.{d.Name}[{k}] + 1 AS {d.Name}_{k}")));
        return $"""
            CREATE OR REPLACE TABLE rfm_cuts AS
            SELECT {columns}
            FROM (SELECT {quantiles}
                  FROM rfm_base) AS q
            """;
    }

    /// <summary>Runs the statements; the seconds of each.</summary>
    public DuckdbPhases Run(IReadOnlyList<string> statements)
    {
        var seconds = new double[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            var clock = Stopwatch.StartNew();
            Execute(statements[i]);
            seconds[i] = clock.Elapsed.TotalSeconds;
        }
        return new DuckdbPhases(seconds[0], seconds[1], seconds[2]);
    }

    public CutPointSet CutPoints(RfmScheme scheme)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT * FROM rfm_cuts";
        using var reader = command.ExecuteReader();
        reader.Read();
        var (r, f) = (Bins(scheme.Recency) - 1, Bins(scheme.Frequency) - 1);
        var all = Enumerable.Range(0, reader.FieldCount).Select(reader.GetDouble).ToArray();
        return new CutPointSet(all[..r], all[r..(r + f)], all[(r + f)..]);
    }

    /// <summary>One row of the result table, by customer index.</summary>
    internal readonly record struct Row(int RecencyDays, long Orders, double Monetary, int TenureDays, int R, int F, int M, string Segment, string Tier);

    public Row?[] Results(int customers)
    {
        var rows = new Row?[customers];
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT customer_id, recency_days, orders, monetary, tenure_days, r, f, m, segment, tier FROM rfm_result";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows[reader.GetInt32(0)] = new Row(
                (int)reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), (int)reader.GetInt64(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetString(8), reader.GetString(9));
        }
        return rows;
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private string Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private static int Bins(RfmBinning binning) =>
        binning.IsQuantile ? binning.Bins : throw new NotSupportedException("the benchmark's SQL covers quantile bins only");

    private static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// A tier condition in SQL over the result's columns. A metric the benchmark has no value for (CLV, churn score)
    /// is missing, and a missing value never matches (<c>FALSE</c>), as in <see cref="RuleConditions"/>.
    /// </summary>
    private static string Sql(RuleCondition condition) => condition switch
    {
        AllOfRule all => all.Conditions.IsEmpty ? "TRUE" : "(" + string.Join(" AND ", all.Conditions.Select(Sql)) + ")",
        AnyOfRule any => any.Conditions.IsEmpty ? "FALSE" : "(" + string.Join(" OR ", any.Conditions.Select(Sql)) + ")",
        NotRule not => $"(NOT {Sql(not.Condition)})",
        MetricRule m => Metric(m),
        _ => throw new NotSupportedException($"the benchmark's SQL does not translate {condition.GetType().Name}"),
    };

    private static string Metric(MetricRule rule)
    {
        var (column, text) = rule.Metric switch
        {
            "recencyScore" => ("r", false),
            "frequencyScore" => ("f", false),
            "monetaryScore" => ("m", false),
            "daysSinceLastOrder" => ("recency_days", false),
            "orders" => ("orders", false),
            "monetary" => ("monetary", false),
            "tenureDays" => ("tenure_days", false),
            "rfmSegment" => ("segment", true),
            _ => ((string?)null, false),
        };
        if (column is null)
        {
            return "FALSE";
        }
        var value = rule.Value;
        if (text)
        {
            return rule.Op switch
            {
                CompareOp.Equal when value.Text is { } t => $"lower({column}) = lower({Text(t)})",
                CompareOp.NotEqual when value.Text is { } t => $"lower({column}) <> lower({Text(t)})",
                CompareOp.In when !value.Texts.IsEmpty => $"lower({column}) IN ({string.Join(", ", value.Texts.Select(t => $"lower({Text(t)})"))})",
                _ => "FALSE",
            };
        }
        return rule.Op switch
        {
            CompareOp.Between when value.Numbers.Length == 2 => $"{column} BETWEEN {Number(value.Numbers[0])} AND {Number(value.Numbers[1])}",
            CompareOp.In when !value.Numbers.IsEmpty => $"{column} IN ({string.Join(", ", value.Numbers.Select(Number))})",
            CompareOp.Between or CompareOp.In => "FALSE",
            _ when value.Number is not { } n => "FALSE",
            _ => $"{column} {rule.Op switch
            {
                CompareOp.Less => "<",
                CompareOp.LessOrEqual => "<=",
                CompareOp.Greater => ">",
                CompareOp.GreaterOrEqual => ">=",
                CompareOp.Equal => "=",
                _ => "<>",
            }} {Number(value.Number!.Value)}",
        };
    }
}

/// <summary>Runs `bench scoring`: generate, run ours and DuckDB's alternately, then check that they agree customer by customer.</summary>
internal static class ScoringBenchmark
{
    public const double RatioGoal = 3;
    public const long MemoryGoalBytes = 4L << 30;
    private const int Examples = 5;

    public static ScoringBenchResult Run(ScoringBenchOptions options, TextWriter? progress)
    {
        var at = ScoringBenchOptions.AnalysisDate;
        var (scheme, rules) = (RfmScheme.Default, TierRuleSet.Default);

        progress?.WriteLine($"generating {options.Customers:N0} customers with {options.Orders:N0} orders (seed {options.Seed})");
        var clock = Stopwatch.StartNew();
        var data = ScoringBenchData.Generate(options.Customers, options.Orders, options.Seed, at);
        var generate = clock.Elapsed.TotalSeconds;

        // An untimed run of ours first: it takes the JIT out of the timings, and the peak after it, before DuckDB
        // holds a copy of the orders, is what our side needs.
        progress?.WriteLine("warm-up: ours");
        Settle();
        _ = OurScoring.Run(data, at, scheme, rules);
        Settle();
        var peakAfterOurs = PeakWorkingSet();

        progress?.WriteLine("loading DuckDB with the Appender");
        clock.Restart();
        using var duck = DuckDbScoring.Load(data);
        var load = clock.Elapsed.TotalSeconds;
        var statements = DuckDbScoring.Statements(at, scheme, rules, options.QuantileCont);
        progress?.WriteLine("warm-up: DuckDB");
        duck.Run(statements);

        // Alternate the two, so that a change in the machine's load hits both alike.
        var oursRuns = new List<OursPhases>();
        var duckRuns = new List<DuckdbPhases>();
        OurScoring.Output? last = null;
        long allocated = 0;
        for (var run = 1; run <= options.Runs; run++)
        {
            last = null;
            Settle();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            last = OurScoring.Run(data, at, scheme, rules);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            oursRuns.Add(last.Phases);
            Settle();
            duckRuns.Add(duck.Run(statements));
            progress?.WriteLine($"run {run}/{options.Runs}: ours {Total(oursRuns[^1]):N3} s, DuckDB {Total(duckRuns[^1]):N3} s");
        }

        progress?.WriteLine("checking agreement customer by customer");
        var oursCuts = new CutPointSet([.. last!.Analysis.Model.RecencyCuts], [.. last.Analysis.Model.FrequencyCuts], [.. last.Analysis.Model.MonetaryCuts]);
        var duckCuts = duck.CutPoints(scheme);
        var rows = duck.Results(data.Customers);
        var (agreement, segments, tiers) = Compare(at, last, rows, oursCuts, duckCuts, scheme, rules);

        var oursMedian = Median(oursRuns, Total);
        var duckMedian = Median(duckRuns, Total);
        var (oursSeconds, duckSeconds) = (Total(oursMedian), Total(duckMedian));
        return new ScoringBenchResult(
            options.Customers, options.Orders, options.Seed, at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), options.Runs,
            Round(oursSeconds), Round(duckSeconds), Math.Round(oursSeconds / duckSeconds, 3), RatioGoal, options.QuantileCont ? "quantile_cont" : "type-7 in SQL",
            oursMedian with { AggregateSeconds = Round(oursMedian.AggregateSeconds), RfmSeconds = Round(oursMedian.RfmSeconds), TiersSeconds = Round(oursMedian.TiersSeconds) },
            duckMedian with { AggregateSeconds = Round(duckMedian.AggregateSeconds), CutsSeconds = Round(duckMedian.CutsSeconds), ScoreSeconds = Round(duckMedian.ScoreSeconds) },
            [.. oursRuns.Select(r => Round(Total(r)))], [.. duckRuns.Select(r => Round(Total(r)))],
            Round(generate), Round(load), PeakWorkingSet(), peakAfterOurs, MemoryGoalBytes, allocated,
            last.Index.Length, agreement, new ScoringCutPoints(oursCuts, duckCuts), segments, tiers,
            duck.Version, duck.Threads, Machine());
    }

    private static (ScoringAgreement, IReadOnlyList<NamedCounts>, IReadOnlyList<NamedCounts>) Compare(
        DateOnly at, OurScoring.Output ours, DuckDbScoring.Row?[] rows, CutPointSet oursCuts, CutPointSet duckCuts, RfmScheme scheme, TierRuleSet rules)
    {
        var examples = new List<string>();
        int aggregates = 0, scores = 0, segments = 0, tiers = 0, missing = 0;
        var duckSegments = new Dictionary<string, int>(StringComparer.Ordinal);
        var duckTiers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row is { } d)
            {
                duckSegments[d.Segment] = duckSegments.GetValueOrDefault(d.Segment) + 1;
                duckTiers[d.Tier] = duckTiers.GetValueOrDefault(d.Tier) + 1;
            }
        }
        var results = ours.Analysis.Customers;
        for (var k = 0; k < results.Length; k++)
        {
            var c = ours.Index[k];
            var r = results[k];
            var tenure = at.DayNumber - ours.Totals[c].First;
            if (rows[c] is not { } d)
            {
                missing++;
                Note($"{r.Customer.Key}: no row in DuckDB's result");
                continue;
            }
            var differs = false;
            if (d.RecencyDays != r.Customer.RecencyDays || d.Orders != r.Customer.Orders || d.TenureDays != tenure
                || BitConverter.DoubleToInt64Bits(d.Monetary) != BitConverter.DoubleToInt64Bits(r.Customer.Monetary))
            {
                aggregates++;
                differs = true;
            }
            if (d.R != r.Score.Recency || d.F != r.Score.Frequency || d.M != r.Score.Monetary)
            {
                scores++;
                differs = true;
            }
            if (!string.Equals(d.Segment, r.Segment, StringComparison.Ordinal))
            {
                segments++;
                differs = true;
            }
            if (!string.Equals(d.Tier, ours.Tiers[k], StringComparison.Ordinal))
            {
                tiers++;
                differs = true;
            }
            if (differs)
            {
                Note(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Customer.Key}: ours {r.Customer.RecencyDays} d / {r.Customer.Orders} / {r.Customer.Monetary:R} / tenure {tenure} -> {r.Score} {r.Segment} {ours.Tiers[k]}; DuckDB {d.RecencyDays} d / {d.Orders} / {d.Monetary:R} / tenure {d.TenureDays} -> {d.R}-{d.F}-{d.M} {d.Segment} {d.Tier}"));
            }
        }
        var duckCustomers = rows.Count(r => r is not null);
        var segmentCounts = ours.Analysis.Segments.Select(s => new NamedCounts(s.Name, s.Customers, duckSegments.GetValueOrDefault(s.Name))).ToList();
        var ourTiers = ours.Tiers.CountBy(t => t).ToDictionary(StringComparer.Ordinal);
        var tierCounts = rules.Names.Select(n => new NamedCounts(n, ourTiers.GetValueOrDefault(n), duckTiers.GetValueOrDefault(n))).ToList();
        // A name only one side produced would be missing from the lists above: the totals catch it.
        var segmentsEqual = segmentCounts.All(s => s.Ours == s.Duckdb) && segmentCounts.Sum(s => s.Duckdb) == duckCustomers;
        var tiersEqual = tierCounts.All(t => t.Ours == t.Duckdb) && tierCounts.Sum(t => t.Duckdb) == duckCustomers;
        var cutsEqual = Identical(oursCuts.Recency, duckCuts.Recency) && Identical(oursCuts.Frequency, duckCuts.Frequency) && Identical(oursCuts.Monetary, duckCuts.Monetary);
        var agree = missing == 0 && duckCustomers == results.Length && aggregates + scores + segments + tiers == 0 && cutsEqual && segmentsEqual && tiersEqual;
        return (new ScoringAgreement(agree, results.Length, duckCustomers, aggregates, scores, segments, tiers, cutsEqual, segmentsEqual, tiersEqual, examples),
            segmentCounts, tierCounts);

        void Note(string example)
        {
            if (examples.Count < Examples)
            {
                examples.Add(example);
            }
        }
    }

    private static bool Identical(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        a.Count == b.Count && a.Zip(b).All(p => BitConverter.DoubleToInt64Bits(p.First) == BitConverter.DoubleToInt64Bits(p.Second));

    private static double Total(OursPhases p) => p.AggregateSeconds + p.RfmSeconds + p.TiersSeconds;

    private static double Total(DuckdbPhases p) => p.AggregateSeconds + p.CutsSeconds + p.ScoreSeconds;

    /// <summary>The run with the median total (the lower middle one for an even count), so that its phases add up.</summary>
    private static T Median<T>(List<T> runs, Func<T, double> total) => runs.OrderBy(total).ElementAt((runs.Count - 1) / 2);

    private static double Round(double seconds) => Math.Round(seconds, 4);

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>Cores, memory, CPU, OS, .NET and the load average when the run ended (the build machine is shared).</summary>
    private static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}{(load is null ? "" : $", load average {load}")}");
    }
}
