using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Api;
using Lodestar.Jobs;
using Lodestar.Jobs.History;
using Lodestar.Learning.Conversion;
using Lodestar.Learning.Modelling;
using Lodestar.Runs;
using Lodestar.Simulation;
using Lodestar.Standalone.Hosting;

namespace Lodestar.Standalone.Demo;

/// <summary>
/// What the demo prints. <c>accepted</c>, <c>rejected</c> and <c>customers</c> are a stable interface. After the traffic:
/// the daily and monthly runs (<c>runs</c>, each step's outcome), and what they left on the profiles: <c>tierShares</c>,
/// <c>rfmSegments</c> (largest first) and <c>churnRisk</c> (the top customers by churn score, or why the churn step
/// was skipped). Then <c>journeys</c>: the sample journeys, published before the traffic, live and simulated (<see cref="DemoJourney"/>).
/// </summary>
internal sealed record DemoSummary(
    int Requests,
    int Records,
    int Accepted,
    int Rejected,
    int Quarantined,
    int Duplicates,
    long Customers,
    long Merges,
    long Events,
    IReadOnlyDictionary<string, int> RejectedByReason,
    IReadOnlyDictionary<string, long> QuarantinedByReason,
    IReadOnlyDictionary<string, long> Tags,
    double Seconds,
    double EventsPerSecond,
    string DataFolder,
    IReadOnlyList<DemoRunReport> Runs,
    double RunSeconds,
    IReadOnlyList<TierCount> TierShares,
    IReadOnlyList<RfmSegmentCount> RfmSegments,
    DemoChurnRisk ChurnRisk,
    DemoJourneySummary Journeys);

/// <summary>One run of the demo: its kind, period and instant, and each step's outcome.</summary>
internal sealed record DemoRunReport(RunKind Kind, string Period, DateTimeOffset AsOf, IReadOnlyList<DemoStep> Steps);

internal sealed record DemoStep(string Step, string Outcome, bool Skipped, double Seconds);

/// <summary>The customers most at risk of churning, or (<c>skipped</c>) why the churn model could not be trained.</summary>
internal sealed record DemoChurnRisk(string? Skipped, IReadOnlyList<ChurnWarning> Customers);

/// <summary>
/// Generates the synthetic shop and pushes it through the real HTTP API of an in-process host: Segment calls in batches,
/// webhooks one by one (the mini-program ones signed), a few malformed requests that the API must reject, then the
/// daily and monthly runs of <see cref="ScheduledJobs"/>, the same steps the scheduler and the timers run.
/// </summary>
/// <remarks>
/// The models train on the demo's own history: the shop's records, cleaned with the store's key, replayed (the SQLite
/// store does not expose its event table to the jobs yet). Training is kept small (logistic regression, 3 folds) so
/// that the demo stays quick. Churn is "no order in the 30 days after the cut-off", with a 60-day trend window: the
/// shop's six months hold both, and the shop, which simulates no drop-out, is too short for the 90-day default to
/// learn anything (its models then do not pass the gate). The runs cover the shop's last day and month as they stand
/// at the shop's end.
/// </remarks>
internal sealed class DemoRun(StandaloneApp app, Uri baseAddress)
{
    private const int BatchSize = 200;
    private const int Clients = 16;

    private readonly ConcurrentDictionary<string, int> _rejected = new(StringComparer.Ordinal);
    private int _accepted, _quarantined, _duplicates, _requests;

    public async Task<DemoSummary> RunAsync(SyntheticShop shop, IProgress<double>? progress, IProgress<string>? status, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(app.Secrets.WriteKey + ":")));
        var journeys = new DemoJourneys(app);
        await journeys.PublishAsync(client, ct);
        var requests = Requests(shop).ToList();
        // A client that timed out and retried: the same messageIds again must change nothing.
        requests.AddRange(requests.Where(r => r.Route == "/api/v1/batch").Take(Resends).ToList());
        var watch = Stopwatch.StartNew();
        var next = -1;
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
            {
                await Send(client, requests[i], ct);
                progress?.Report((double)Interlocked.Increment(ref done) / requests.Count);
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var runs = await RunJobsAsync(shop, status, ct);
        var overview = await ScoringOverview.ReadAsync(app.Store, Options.Tiers, ChurnListSize, ct);
        var runSeconds = watch.Elapsed.TotalSeconds;
        status?.Report("sample journeys: live counts and simulation");
        var journeySummary = await journeys.SummariseAsync(shop, ct);
        var churnOutcome = runs.SelectMany(r => r.Steps).Single(s => s.Step == RunSteps.Churn).Outcome;
        var churnSkipped = churnOutcome.StartsWith(ModelSkipped.Prefix, StringComparison.Ordinal) ? churnOutcome[ModelSkipped.Prefix.Length..] : null;
        var stats = await app.Store.StatisticsAsync(ct);
        var records = shop.Records.Length + Malformed.Length + Resends * BatchSize;
        return new DemoSummary(requests.Count, records, _accepted, _rejected.Values.Sum(), _quarantined, _duplicates,
            stats.Customers, stats.Merges, stats.Events, _rejected.ToDictionary(), stats.QuarantineByReason, stats.Tags,
            seconds, records / seconds, app.Data.Root, runs, runSeconds, overview.Tiers, overview.RfmSegments,
            new DemoChurnRisk(churnSkipped, overview.ChurnRisks), journeySummary);
    }

    private const int ChurnListSize = 10;

    private static readonly TrainingOptions SmallTraining = TrainingOptions.Default with { Learners = [Learner.LogisticRegression], Folds = 3 };

    /// <summary>The default jobs with small training settings and a churn horizon that fits in the shop's six months.</summary>
    private static readonly JobOptions Options = JobOptions.Default with
    {
        Churn = new ChurnJobOptions { Horizon = TimeSpan.FromDays(30), TrendWindow = TimeSpan.FromDays(60), Training = SmallTraining },
        Propensity = new PropensityJobOptions { Conversion = new ConversionOptions { Training = SmallTraining } },
    };

    /// <summary>The daily run of the shop's last day, then the monthly run of its last month, both as of the shop's end.</summary>
    private async Task<IReadOnlyList<DemoRunReport>> RunJobsAsync(SyntheticShop shop, IProgress<string>? status, CancellationToken ct)
    {
        var schedule = RunSchedule.Default(Zone);
        // The records as the API parsed them (HistorySources.SyntheticShop), parsed and cleaned on every core.
        var raw = shop.Records.AsParallel().AsOrdered().Select(r => IngestRoutes.Parse(r.Route, r.Body, shop.Context)).Where(p => p.IsValid).Select(p => p.Value!);
        var history = RecordedHistory.Clean(raw, app.Cleaner, shop.Context.ReceivedAt);
        var jobs = new ScheduledJobs(app.Store, app.Store, app.Time, schedule, Options, history);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(shop.End.AddTicks(-1), Zone).DateTime);
        var reports = new List<DemoRunReport>();
        foreach (var (kind, name) in new[] { (RunKind.Daily, lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), (RunKind.Monthly, lastDay.ToString("yyyy-MM", CultureInfo.InvariantCulture)) })
        {
            var period = RunPeriod.Of(schedule, kind, name, shop.End);
            var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
            var steps = jobs.Steps(period).Select(s => new RunStep(s.Name, async c =>
            {
                status?.Report($"{kind.ToString().ToLowerInvariant()} run: {s.Name}");
                var started = Stopwatch.GetTimestamp();
                var outcome = await s.Execute(c);
                seconds[s.Name] = Stopwatch.GetElapsedTime(started).TotalSeconds;
                return outcome;
            })).ToList();
            var report = await new PeriodicRun(app.Store, app.Time).RunAsync(kind, period.Name, steps, ct);
            reports.Add(new DemoRunReport(kind, period.Name, period.AsOf,
                [.. report.Steps.Select(s => new DemoStep(s.Step, s.Outcome, s.Skipped, Math.Round(seconds.GetValueOrDefault(s.Step), 2)))]));
        }
        return reports;
    }

    /// <summary>The shop's zone: its local times are China Standard Time.</summary>
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private sealed record Request(string Route, string Body, bool Signed);

    /// <summary>Segment calls go in batches (each item gets its type); resends stay after their originals.</summary>
    private const int Resends = 3;

    private static IEnumerable<Request> Requests(SyntheticShop shop)
    {
        var batch = new List<JsonNode>();
        foreach (var r in shop.Records)
        {
            if (r.Route.StartsWith("/api/v1/", StringComparison.Ordinal))
            {
                var node = JsonNode.Parse(r.Body)!.AsObject();
                node["type"] = r.Route["/api/v1/".Length..];
                batch.Add(node);
                if (batch.Count == BatchSize)
                {
                    yield return BatchOf(batch);
                    batch.Clear();
                }
            }
            else
            {
                yield return new Request(r.Route, r.Body, r.Route == IngestRoutes.MiniProgram);
            }
        }
        if (batch.Count > 0)
        {
            yield return BatchOf(batch);
        }
        foreach (var (route, body) in Malformed)
        {
            yield return new Request(route, body, false);
        }

    }

    private static Request BatchOf(List<JsonNode> items) =>
        new("/api/v1/batch", new JsonObject { ["batch"] = new JsonArray([.. items.Select(i => i.DeepClone())]) }.ToJsonString(), false);

    /// <summary>Requests a careless client sends: the API answers 400 problem+json and stores nothing of them.</summary>
    private static readonly (string Route, string Body)[] Malformed =
    [
        ("/api/v1/track", """{"userId":"m-bad-1","timestamp":"last tuesday"}"""),
        ("/api/v1/track", """{"event":"Product Viewed"}"""),
        ("/api/v1/identify", """{"userId":42.5e400}"""),
        ("/api/webhooks/pos", """{"orderId":"x1","storeId":"s1","timestamp":"2026-01-01T10:00:00+08:00","lines":[{"sku":"a","quantity":1.5,"unitPrice":3}]}"""),
        ("/api/webhooks/service", """{"contactId":"c1","channel":"phone","topic":"delivery"}"""),
        ("/api/v1/page", """{"userId":"m-bad-2","name":"home","timestamp":"""),
    ];

    private async Task Send(HttpClient client, Request request, CancellationToken ct)
    {
        using var content = new StringContent(request.Body, Encoding.UTF8, "application/json");
        if (request.Signed)
        {
            content.Headers.Add(Credentials.SignatureHeader, Credentials.Sign(Encoding.UTF8.GetBytes(request.Body), app.Secrets.MiniProgramSecret));
        }
        using var response = await client.PostAsync(request.Route, content, ct);
        Interlocked.Increment(ref _requests);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = doc.RootElement;
        if (!response.IsSuccessStatusCode)
        {
            foreach (var e in root.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("detail").GetString()!) : [root.GetProperty("title").GetString()!])
            {
                _rejected.AddOrUpdate($"{(int)response.StatusCode} {e}", 1, (_, n) => n + 1);
            }
            return;
        }
        IEnumerable<JsonElement> items = root.TryGetProperty("items", out var list) ? list.EnumerateArray() : [root.GetProperty("result")];
        foreach (var item in items)
        {
            switch (item.GetProperty("outcome").GetString())
            {
                case "accepted": Interlocked.Increment(ref _accepted); break;
                case "quarantined": Interlocked.Increment(ref _quarantined); break;
                default: Interlocked.Increment(ref _duplicates); break;
            }
        }
        foreach (var rejected in root.TryGetProperty("rejected", out var r) ? r.EnumerateArray() : [])
        {
            foreach (var e in rejected.GetProperty("errors").EnumerateArray())
            {
                _rejected.AddOrUpdate($"400 {e.GetProperty("detail").GetString()}", 1, (_, n) => n + 1);
            }
        }
    }
}
