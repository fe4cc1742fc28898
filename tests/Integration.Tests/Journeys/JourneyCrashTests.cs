using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Lodestar.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lodestar.Tests.Journeys;

/// <summary>
/// The standalone persisted journey driver across a crash of the real <c>lodestar serve</c> process: 10,000 instances
/// (one per cart) wait 2 s, then send one push each through the outbox. The test kills the process hard while the
/// outbox is being delivered, restarts it on the same folder, resends every event as a retrying client would, and checks
/// that every instance finished and every message is in the outbox file exactly once.
/// </summary>
public sealed class JourneyCrashTests
{
    private const string WriteKey = "wk_journey_crash_0123456789";
    private const int Instances = 10_000;
    private const int BatchSize = 500;
    private const int KillAfterLines = 2_000;

    private const string Journey = """
        {
          "id": "cart-kill",
          "version": 1,
          "name": "Cart saved (kill test)",
          "entry": { "type": "event", "event": { "names": ["cart_updated"] } },
          "businessKey": "properties.cartId",
          "reEntry": { "type": "distinctKey" },
          "maxDuration": "1d",
          "start": "pause",
          "nodes": [
            { "id": "pause", "type": "delay", "duration": "2s", "next": "confirm" },
            { "id": "confirm", "type": "send", "channel": "push", "template": "cart-saved", "transactional": true }
          ]
        }
        """;

    private static string[] Batches(DateTimeOffset at) => [.. Enumerable.Range(0, Instances / BatchSize).Select(b =>
        "{\"batch\":[" + string.Join(',', Enumerable.Range(b * BatchSize, BatchSize).Select(i => $$"""
            {"type":"track","messageId":"jc-{{i:D5}}","userId":"M-jc-{{i:D5}}","event":"cart_updated","properties":{"cartId":"C-{{i:D5}}"},"timestamp":"{{Samples.Iso(at)}}"}
            """)) + "]}")];

    private static HttpClient ClientFor(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = HttpJson.WriteKey(WriteKey);
        return client;
    }

    private static async Task SendAll(HttpClient client, string[] batches, CancellationToken ct)
    {
        foreach (var body in batches)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/api/v1/batch", content, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
                Assert.True(attempt < 5, $"batch refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                await Task.Delay(200 * attempt, ct);
            }
        }
    }

    private static int LinesIn(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var count = 0;
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                count++;
            }
        }
        return count;
    }

    [Fact]
    public async Task Serve_KilledWhileDeliveringTenThousandInstances_EveryInstanceFinishesAndEachMessageIsSentOnce()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(180));
        var ct = deadline.Token;
        using var data = new TempFolder("lodestar-journey-crash-");
        var definition = Path.Combine(data.Path, "cart-kill.json");
        await File.WriteAllTextAsync(definition, Journey, ct);
        var (code, output) = await ServerProcess.RunAsync(["journey", "publish", definition, "--data", data.Path], TimeSpan.FromSeconds(60), ct);
        Assert.True(code == 0, string.Join(Environment.NewLine, output));
        var outbox = Path.Combine(data.Path, "outbox", "push.jsonl");
        var batches = Batches(DateTimeOffset.UtcNow.AddMinutes(-1));
        var clock = Stopwatch.StartNew();
        int linesAtKill;

        // Phase 1: every cart event goes in; the process dies hard while the outbox is being delivered.
        await using (var first = await ServerProcess.ServeAsync(data.Path, WriteKey, ct))
        {
            using var client = ClientFor(first);
            await SendAll(client, batches, ct);
            while (LinesIn(outbox) < KillAfterLines)
            {
                Assert.False(first.HasExited, string.Join(Environment.NewLine, first.Output));
                await Task.Delay(20, ct);
            }
            first.KillHard();
            linesAtKill = LinesIn(outbox);
        }
        SqliteConnection.ClearAllPools();
        var db = Path.Combine(data.Path, "lodestar.db");
        var probe = new StoreProbe(db);
        var startedAtKill = probe.Scalar("SELECT count(*) FROM journey_instances");
        Assert.True(linesAtKill < Instances, $"the kill came after everything was delivered ({linesAtKill} lines)");

        // Phase 2: restart; a client that never saw all its acknowledgements resends everything (duplicates are harmless).
        await using (var second = await ServerProcess.ServeAsync(data.Path, WriteKey, ct))
        {
            using var client = ClientFor(second);
            await SendAll(client, batches, ct);
            while (true)
            {
                var done = probe.Scalar("SELECT count(*) FROM journey_instances WHERE status = 4");
                var unsent = probe.Scalar("SELECT count(*) FROM journey_outbox WHERE sent_at IS NULL");
                if (done == Instances && unsent == 0 && probe.Scalar("SELECT count(*) FROM journey_outbox") == Instances)
                {
                    break;
                }
                Assert.False(second.HasExited, string.Join(Environment.NewLine, second.Output));
                await Task.Delay(100, ct);
            }
            await second.StopAsync(ct);
        }
        SqliteConnection.ClearAllPools();

        // Every instance completed; each message is in the file exactly once, with a masked recipient.
        Assert.Equal(Instances, probe.Scalar("SELECT count(*) FROM journey_instances"));
        Assert.Equal(Instances, probe.Scalar("SELECT count(*) FROM journey_instances WHERE status = 4"));
        var lines = File.ReadAllLines(outbox);
        var keys = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()!).ToList();
        Assert.Equal(Instances, keys.Count);
        Assert.Equal(Instances, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(probe.Strings("SELECT idempotency_key FROM journey_outbox").Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.All(lines.Take(50), l => Assert.StartsWith("member:M-jc-", JsonDocument.Parse(l).RootElement.GetProperty("recipient").GetString(), StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Instances} instances: killed with {startedAtKill} started and {linesAtKill} messages delivered; all done after {clock.Elapsed.TotalSeconds:F1} s");
    }
}
