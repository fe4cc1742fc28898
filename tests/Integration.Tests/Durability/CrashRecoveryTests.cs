using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Lodestar.Customers;
using Lodestar.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Lodestar.Tests.Durability;

/// <summary>
/// Nothing accepted is lost, nothing is counted twice, across a crash of the real <c>lodestar serve</c> process: the
/// test kills it hard while concurrent batches are in flight, restarts it on the same data folder and resends
/// everything, acknowledged or not, as a client with retries would.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const string WriteKey = "wk_crash_0123456789abcdef";
    private const int Customers = 12;
    private const int BatchSize = 25;
    private const int Batches = 60;
    private const int Senders = 4;
    private const int KillAfterAckedBatches = 15;

    private static string Member(int c) => $"M-crash-{c:D3}";

    /// <summary>Batch b, item i: a distinct event (its own sku and second) for customer (b·25+i) mod 12.</summary>
    private static (string Body, string[] MessageIds) Batch(int b)
    {
        var items = Enumerable.Range(0, BatchSize).Select(i =>
        {
            var seq = (b * BatchSize) + i;
            return (Id: $"crash-{seq:D5}", Json: $$"""
                {"type":"track","messageId":"crash-{{seq:D5}}","userId":"{{Member(seq % Customers)}}","event":"Product Viewed",
                 "properties":{"sku":"SKU-{{seq:D5}}","seq":{{seq}}},"timestamp":"{{Samples.Iso(Samples.T0.AddSeconds(seq))}}"}
                """);
        }).ToList();
        return ("{\"batch\":[" + string.Join(',', items.Select(x => x.Json)) + "]}", [.. items.Select(x => x.Id)]);
    }

    private static HttpClient ClientFor(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = HttpJson.WriteKey(WriteKey);
        return client;
    }

    [Fact]
    public async Task Serve_KilledMidBatchesThenEverythingResent_StoresEveryEventExactlyOnce()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(50));
        var ct = deadline.Token;
        using var data = new TempFolder("lodestar-crash-tests-");
        var db = Path.Combine(data.Path, "lodestar.db");
        var batches = Enumerable.Range(0, Batches).Select(Batch).ToArray();
        var sent = batches.SelectMany(b => b.MessageIds).ToHashSet(StringComparer.Ordinal);
        var acked = new ConcurrentBag<string>();
        var ackedBatches = 0;
        var failedRequests = 0;
        var inFlight = 0;
        var inFlightAtKill = 0;

        // Phase 1: four concurrent senders; a fifth task kills the server once 15 batches are acknowledged.
        await using (var first = await ServerProcess.ServeAsync(data.Path, WriteKey, ct))
        {
            using var client = ClientFor(first);
            var next = -1;
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
            {
                int b;
                while (!killed.Task.IsCompleted && (b = Interlocked.Increment(ref next)) < Batches)
                {
                    Interlocked.Increment(ref inFlight);
                    try
                    {
                        using var content = new StringContent(batches[b].Body, Encoding.UTF8, "application/json");
                        using var response = await client.PostAsync("/api/v1/batch", content, ct);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            foreach (var id in batches[b].MessageIds)
                            {
                                acked.Add(id);
                            }
                            Interlocked.Increment(ref ackedBatches);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The server died under this request: the client does not know whether it was stored.
                        Interlocked.Increment(ref failedRequests);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }
            }, ct)).ToArray();
            var killer = Task.Run(async () =>
            {
                while (Volatile.Read(ref ackedBatches) < KillAfterAckedBatches && !senders.All(s => s.IsCompleted))
                {
                    await Task.Delay(1, ct);
                }
                inFlightAtKill = Volatile.Read(ref inFlight);
                first.KillHard();
                killed.SetResult();
            }, ct);
            await Task.WhenAll([.. senders, killer]).WaitAsync(ct);
            Assert.True(first.HasExited);
        }
        Assert.InRange(acked.Count, KillAfterAckedBatches * BatchSize, (Batches - 1) * BatchSize);

        // Phase 2: straight after the crash, before anything is resent, every acknowledged event is on disk.
        var afterCrash = new StoreProbe(db).Strings("SELECT message_id FROM events").ToHashSet(StringComparer.Ordinal);
        Assert.Subset(afterCrash, acked.ToHashSet(StringComparer.Ordinal));
        Assert.True(afterCrash.IsSubsetOf(sent));
        Assert.True(afterCrash.Count < sent.Count, "the crash came before everything was sent");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"killed with {inFlightAtKill} requests in flight: {acked.Count} events acknowledged, {afterCrash.Count} on disk, {failedRequests} requests failed, {sent.Count} sent in all");
        SqliteConnection.ClearAllPools();

        // Phase 3: restart on the same folder and resend all 60 batches, retrying each until it is acknowledged.
        var duplicates = 0;
        var accepted = 0;
        await using (var second = await ServerProcess.ServeAsync(data.Path, WriteKey, ct))
        {
            using var client = ClientFor(second);
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < Batches)
                {
                    var reply = await SendWithRetries(client, batches[b].Body, ct);
                    Assert.Empty(reply["rejected"]!.AsArray());
                    Assert.Equal(0, (int)reply["quarantined"]!);
                    Interlocked.Add(ref accepted, (int)reply["accepted"]!);
                    Interlocked.Add(ref duplicates, (int)reply["duplicates"]!);
                }
            }, ct))).WaitAsync(ct);

            // The events that survived the crash come back as duplicates; the rest are accepted now.
            Assert.Equal(afterCrash.Count, duplicates);
            Assert.Equal(sent.Count - afterCrash.Count, accepted);

            // Every customer's profile counts exactly its events, through the API as well.
            foreach (var c in Enumerable.Range(0, Customers))
            {
                var id = CustomerId.DerivedFrom("member:" + Member(c)).Value;
                var profile = await client.GetReplyAsync($"/api/customers/{id}");
                Assert.Equal(sent.Count / Customers, (long)profile.Json["counters"]!["events"]!);
            }
        }

        // Phase 4: the file itself, with the server gone.
        var probe = new StoreProbe(db);
        var stored = probe.Strings("SELECT message_id FROM events");
        Assert.Equal(sent.Count, stored.Count);
        Assert.Equal(sent.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        Assert.Equal(0, probe.Scalar("SELECT count(*) FROM quarantine"));
        var perCustomer = probe.Pairs("SELECT customer_id, count(*) FROM events GROUP BY customer_id ORDER BY customer_id");
        var counters = probe.Pairs("SELECT customer_id, json_extract(body, '$.counters.events') FROM profiles ORDER BY customer_id");
        Assert.Equal(Customers, counters.Count);
        Assert.Equal(perCustomer, counters);
        Assert.All(counters, c => Assert.Equal(sent.Count / Customers, c.Item2));
        SqliteConnection.ClearAllPools();
    }

    private static async Task<JsonNode> SendWithRetries(HttpClient client, string body, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/api/v1/batch", content, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return JsonNode.Parse(text)!;
                }
                Assert.True(attempt < 5, $"batch refused {attempt} times: {(int)response.StatusCode} {text}");
            }
            catch (HttpRequestException) when (attempt < 5)
            {
                // Transient: try again with the same body (same message ids).
            }
            await Task.Delay(100 * attempt, ct);
        }
    }
}
