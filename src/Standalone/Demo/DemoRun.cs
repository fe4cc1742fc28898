using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Api;
using Lodestar.Simulation;
using Lodestar.Standalone.Hosting;
using Lodestar.Tags;

namespace Lodestar.Standalone.Demo;

/// <summary>What the demo prints. <c>accepted</c>, <c>rejected</c> and <c>customers</c> are a stable interface.</summary>
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
    string DataFolder);

/// <summary>
/// Generates the synthetic shop and pushes it through the real HTTP API of an in-process host: Segment calls in batches,
/// webhooks one by one (the mini-program ones signed), a few malformed requests that the API must reject, then the
/// daily and monthly tag runs.
/// </summary>
internal sealed class DemoRun(StandaloneApp app, Uri baseAddress)
{
    private const int BatchSize = 200;
    private const int Clients = 16;

    private readonly ConcurrentDictionary<string, int> _rejected = new(StringComparer.Ordinal);
    private int _accepted, _quarantined, _duplicates, _requests;

    public async Task<DemoSummary> RunAsync(SyntheticShop shop, IProgress<double>? progress, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(app.Secrets.WriteKey + ":")));
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
        await app.Tags.RunAsync(TagCadence.Daily, ct);
        await app.Tags.RunAsync(TagCadence.Monthly, ct);
        var stats = await app.Store.StatisticsAsync(ct);
        var records = shop.Records.Length + Malformed.Length + Resends * BatchSize;
        return new DemoSummary(requests.Count, records, _accepted, _rejected.Values.Sum(), _quarantined, _duplicates,
            stats.Customers, stats.Merges, stats.Events, _rejected.ToDictionary(), stats.QuarantineByReason, stats.Tags,
            seconds, records / seconds, app.Data.Root);
    }

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
