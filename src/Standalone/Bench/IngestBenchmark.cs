using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Standalone.Commands;
using Lodestar.Standalone.Hosting;
using Microsoft.Data.Sqlite;

namespace Lodestar.Standalone.Bench;

/// <summary>Figures of one `bench ingest` run. Property names are a stable interface (scripts read the JSON).</summary>
internal sealed record IngestBenchResult(
    int Events,
    int Customers,
    double InProcessEventsPerSecond,
    double HttpEventsPerSecond,
    int HttpBatchSize,
    double P50Ms,
    double P99Ms,
    int LatencyRequests,
    double SqliteRowsPerSecond,
    double InProcessWorstCaseEventsPerSecond,
    double LookupP50Ms,
    double LookupP99Ms,
    int Lookups,
    string Machine)
{
    public string ToText() => string.Join(Environment.NewLine,
        $"bench ingest on {Machine}: {Events:N0} events over {Customers:N0} customers per phase",
        $"  in-process (clean + ingest use case + SQLite commit): {InProcessEventsPerSecond,12:N0} events/s",
        $"  over HTTP (POST /api/v1/batch, {HttpBatchSize} per request):  {HttpEventsPerSecond,12:N0} events/s",
        $"  per-record latency (POST /api/v1/track|page, {LatencyRequests:N0} calls): p50 {P50Ms:N2} ms, p99 {P99Ms:N2} ms",
        $"  raw SQLite insert of the same rows (reference):   {SqliteRowsPerSecond,12:N0} rows/s",
        $"  in-process, worst case (every event a random customer, no visits): {InProcessWorstCaseEventsPerSecond:N0} events/s",
        $"  profile lookup (GET /api/customers/{{id}}, {Lookups:N0} calls): p50 {LookupP50Ms:N2} ms, p99 {LookupP99Ms:N2} ms");
}

/// <summary>Measures ingest end to end on fresh stores in a temporary folder, which it deletes afterwards.</summary>
internal static class IngestBenchmark
{
    private const int HttpBatch = 500;
    private const int Clients = 4;

    public static async Task<IngestBenchResult> RunAsync(int events, int customers, TextWriter? progress, CancellationToken ct)
    {
        var root = Directory.CreateTempSubdirectory("lodestar-bench-");
        try
        {
            var end = DateTimeOffset.UtcNow;
            var raw = BenchEvents.Raw(events, customers, end);
            progress?.WriteLine($"phase 1/5: in-process ingest of {events:N0} events in customer visits");
            var inProcess = await InProcess(Path.Combine(root.FullName, "inproc"), raw, ct);
            progress?.WriteLine("phase 2/5: HTTP batch ingest");
            var (http, lookupP50, lookupP99, lookups) = await OverHttp(Path.Combine(root.FullName, "http"), BenchEvents.Raw(events, customers, end, seed: 7, prefix: "h"), customers, ct);
            progress?.WriteLine("phase 3/5: per-record latency over HTTP");
            var latency = Math.Min(20_000, events);
            var (p50, p99) = await Latency(Path.Combine(root.FullName, "latency"), BenchEvents.Raw(latency, customers, end, seed: 9, prefix: "l"), ct);
            progress?.WriteLine("phase 4/5: raw SQLite inserts");
            var sqlite = RawSqlite(Path.Combine(root.FullName, "raw.db"), raw);
            progress?.WriteLine("phase 5/5: in-process ingest, worst case");
            var worst = await InProcess(Path.Combine(root.FullName, "worst"), BenchEvents.Raw(events, customers, end, seed: 11, prefix: "w", sessions: false), ct);
            return new IngestBenchResult(events, customers, inProcess, http, HttpBatch, p50, p99, latency, sqlite, worst, lookupP50, lookupP99, lookups, Machine());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }
    }

    private static async Task<double> InProcess(string data, IReadOnlyList<RawEvent> raw, CancellationToken ct)
    {
        await using var app = CommonOptions.Open(data);
        var watch = Stopwatch.StartNew();
        foreach (var chunk in raw.Chunk(5_000))
        {
            var now = app.Time.GetUtcNow();
            var cleaned = new CleanResult[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                cleaned[i] = app.Cleaner.Clean(chunk[i], now);
            }
            await app.Ingest.IngestAsync(cleaned, ct);
        }
        return raw.Count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Batch ingest over HTTP, then profile reads of the customers it created (p50/p99 of GET latency).</summary>
    private static async Task<(double EventsPerSecond, double LookupP50, double LookupP99, int Lookups)> OverHttp(
        string data, IReadOnlyList<RawEvent> raw, int customers, CancellationToken ct)
    {
        var bodies = raw.Chunk(HttpBatch).Select(c => "{\"batch\":[" + string.Join(',', c.Select(BenchEvents.SegmentJson)) + "]}").ToArray();
        var ids = raw.Select(e => e.Ids[0]).DistinctBy(i => i.Value).Take(customers)
            .Select(i => CustomerId.DerivedFrom($"{i.Kind.ToString().ToLowerInvariant()}:{i.Value}").Value).ToArray();
        var lookups = new double[Math.Min(20_000, ids.Length * 4)];
        var elapsed = await WithServer(data, async client =>
        {
            var watch = Stopwatch.StartNew();
            await Parallel(bodies.Length, async i =>
            {
                using var response = await client.PostAsync("/api/v1/batch", new StringContent(bodies[i], Encoding.UTF8, "application/json"), ct);
                response.EnsureSuccessStatusCode();
            });
            var ingest = watch.Elapsed;
            await Parallel(lookups.Length, async i =>
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync($"/api/customers/{ids[i % ids.Length]}", ct);
                response.EnsureSuccessStatusCode();
                lookups[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            });
            return ingest;
        });
        var (p50, p99) = Percentiles(lookups);
        return (raw.Count / elapsed.TotalSeconds, p50, p99, lookups.Length);
    }

    /// <summary>Runs <paramref name="count"/> requests from <see cref="Clients"/> concurrent clients.</summary>
    private static Task Parallel(int count, Func<int, Task> request)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await request(i);
            }
        }));
    }

    private static (double P50, double P99) Percentiles(double[] samples)
    {
        Array.Sort(samples);
        return (samples[(int)(samples.Length * 0.50)], samples[Math.Min(samples.Length - 1, (int)(samples.Length * 0.99))]);
    }

    private static async Task<(double P50, double P99)> Latency(string data, IReadOnlyList<RawEvent> raw, CancellationToken ct)
    {
        var bodies = raw.Select(BenchEvents.SegmentJson).ToArray();
        var routes = raw.Select(e => e.Type == EventType.Page ? "/api/v1/page" : "/api/v1/track").ToArray();
        var samples = new double[bodies.Length];
        await WithServer(data, async client =>
        {
            await Parallel(bodies.Length, async i =>
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(routes[i], new StringContent(bodies[i], Encoding.UTF8, "application/json"), ct);
                response.EnsureSuccessStatusCode();
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            });
            return TimeSpan.Zero;
        });
        return Percentiles(samples);
    }

    private static async Task<TimeSpan> WithServer(string data, Func<HttpClient, Task<TimeSpan>> run)
    {
        await using var app = CommonOptions.Open(data);
        await using var web = WebHost.Build(app, "http://127.0.0.1:0");
        await web.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(web.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(app.Secrets.WriteKey + ":")));
        // Warm up the JIT and the connection pool outside the measured time.
        using (await client.GetAsync("/health"))
        {
        }
        var elapsed = await run(client);
        await web.StopAsync();
        return elapsed;
    }

    /// <summary>The physical reference: the same event rows, serialised beforehand, in one prepared transaction.</summary>
    private static double RawSqlite(string path, IReadOnlyList<RawEvent> raw)
    {
        var rows = raw.Select(e => (e.MessageId, Customer: e.Ids[0].Value, Type: (int)e.Type, e.Name, Ts: e.Timestamp.ToUnixTimeMilliseconds(),
            Body: System.Text.Json.JsonSerializer.Serialize(e, DomainJson.Options))).ToList();
        using var c = new SqliteConnection($"Data Source={path}");
        c.Open();
        using (var pragma = c.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE events (message_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, type INTEGER NOT NULL, name TEXT, ts INTEGER NOT NULL, body TEXT NOT NULL) WITHOUT ROWID; CREATE INDEX events_by_customer ON events (customer_id, ts);";
            pragma.ExecuteNonQuery();
        }
        var watch = Stopwatch.StartNew();
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO events VALUES (@m, @c, @t, @n, @ts, @b)";
        var p = new[] { "@m", "@c", "@t", "@n", "@ts", "@b" }.Select(n => cmd.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        cmd.Prepare();
        foreach (var r in rows)
        {
            (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value, p[5].Value) = (r.MessageId, r.Customer, r.Type, (object?)r.Name ?? DBNull.Value, r.Ts, r.Body);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return rows.Count / watch.Elapsed.TotalSeconds;
    }

    private static string Machine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
}
