using System.Net;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Journeys;

/// <summary>Journeys over HTTP on the standalone host: publish, list, a trigger to an outbox line, a customer's step log.</summary>
public sealed class JourneyApiTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    private const string NoWait = """
        {
          "id": "cart-now", "version": 1, "name": "Cart saved",
          "entry": { "type": "event", "event": { "names": ["cart_updated"] } },
          "businessKey": "properties.cartId", "reEntry": { "type": "distinctKey" },
          "start": "confirm",
          "nodes": [ { "id": "confirm", "type": "send", "channel": "sms", "template": "cart-saved", "transactional": true } ]
        }
        """;

    [Fact]
    public async Task PostJourneys_Invalid_AnswersProblemJsonWithAPointerPerError()
    {
        var reply = await host.Client.PostAsync("/api/journeys", """{"id":"x","version":1,"name":"X","entry":{"type":"event","event":{"names":["a"]}},"start":"nope","nodes":[{"id":"a","type":"send"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Contains("/nodes/0/channel", reply.ErrorPointers);
    }

    [Fact]
    public async Task PostJourneys_WithoutWriteKey_IsUnauthorized()
    {
        using var response = await host.Anonymous.PostAsync("/api/journeys", new StringContent(NoWait), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CartEvent_ForAPublishedJourney_WritesOneMaskedOutboxLineAndAReadableStepLog()
    {
        var ct = TestContext.Current.CancellationToken;
        var published = await host.Client.PostAsync("/api/journeys", NoWait);
        Assert.True(published.Status is HttpStatusCode.Created or HttpStatusCode.OK, published.Text);
        var again = await host.Client.PostAsync("/api/journeys", NoWait.Replace("Cart saved", "Changed", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        var list = await host.Client.GetReplyAsync("/api/journeys");
        Assert.Contains("cart-now", list.Text, StringComparison.Ordinal);

        var ingest = await host.Client.PostAsync("/api/v1/track", $$"""
            {"type":"track","messageId":"jr-1","userId":"M-jr-1","event":"cart_updated","properties":{"cartId":"C-9"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}
            """);
        Assert.Equal(HttpStatusCode.OK, ingest.Status);
        var customer = CustomerId.DerivedFrom("member:M-jr-1").Value;
        var outbox = Path.Combine(host.App.Data.Root, "outbox", "sms.jsonl");
        string? text = null;
        for (var i = 0; i < 100 && !(File.Exists(outbox) && (text = await File.ReadAllTextAsync(outbox, ct)).Contains(customer, StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50, ct);
        }
        var line = Assert.Single(text!.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains(customer, StringComparison.Ordinal));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("cart-saved", json.GetProperty("template").GetString());
        Assert.Equal("member:M-jr-1", json.GetProperty("recipient").GetString());

        var journeys = await host.Client.GetReplyAsync($"/api/customers/{customer}/journeys");
        Assert.Equal(HttpStatusCode.OK, journeys.Status);
        var instance = Assert.Single(journeys.Json["instances"]!.AsArray());
        Assert.Equal("Completed", (string)instance!["status"]!);
        Assert.Contains(journeys.Json["log"]!.AsArray(), e => (string)e!["outcome"]! == "Sent" && (string)e["node"]! == "confirm");
    }
}

/// <summary>The abandoned-cart pattern on the standalone driver: a purchase delivered to the waiting instance ends it without a reminder.</summary>
public sealed class JourneyWaitTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    [Fact]
    public async Task PurchaseWhileWaiting_ReachesTheWaitingInstance_ExitsWithoutAReminder()
    {
        var ct = TestContext.Current.CancellationToken;
        var sample = await File.ReadAllTextAsync(Sample("abandoned-cart.json"), ct);
        var published = await host.Client.PostAsync("/api/journeys", sample);
        Assert.True(published.Status is HttpStatusCode.Created or HttpStatusCode.OK, published.Text);
        var customer = CustomerId.DerivedFrom("member:M-jw-1").Value;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/v1/track", $$"""
            {"type":"track","messageId":"jw-1","userId":"M-jw-1","event":"cart_updated","properties":{"cartId":"C-1"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}
            """)).Status);
        await Until(customer, "WaitingForEvent", ct);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/v1/track", $$"""
            {"type":"track","messageId":"jw-2","userId":"M-jw-1","event":"order_paid","properties":{"cartId":"C-1"},"timestamp":"{{Samples.Iso(Samples.T0.AddMinutes(5))}}"}
            """)).Status);
        var journeys = await Until(customer, "Exited", ct);
        Assert.DoesNotContain(journeys.Json["log"]!.AsArray(), e => (string)e!["outcome"]! == "Sent");
        Assert.False(Directory.Exists(Path.Combine(host.App.Data.Root, "outbox")) && Directory.EnumerateFiles(Path.Combine(host.App.Data.Root, "outbox"))
            .Any(f => File.ReadAllText(f).Contains(customer, StringComparison.Ordinal)));
    }

    /// <summary>A sample from the repository's journeys/ folder, found by walking up from the test's folder.</summary>
    private static string Sample(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "journeys", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(name);
    }

    private async Task<Reply> Until(string customer, string status, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            var reply = await host.Client.GetReplyAsync($"/api/customers/{customer}/journeys");
            if (reply.Json["instances"]!.AsArray().Any(x => (string)x!["status"]! == status))
            {
                return reply;
            }
            Assert.True(i < 100, $"never {status}: {reply.Text}");
            await Task.Delay(50, ct);
        }
    }
}
