using System.Net;
using Lodestar.Customers;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Http;

/// <summary>Issue 3's acceptance list, literally, over the real Kestrel host and the SQLite file behind it.</summary>
public sealed class AcceptanceTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    private static string Track(string messageId, string userId, DateTimeOffset at, string sku) => $$"""
        {"messageId":"{{messageId}}","userId":"{{userId}}","event":"Product Viewed",
         "properties":{"sku":"{{sku}}","price":129.0},"timestamp":"{{Samples.Iso(at)}}"}
        """;

    [Fact]
    public async Task Track_WithWriteKey_Returns200AndPersistsTheEvent()
    {
        var reply = await host.Client.PostAsync("/api/v1/track", Track("acc-track-1", "M-1001", Samples.T0, "SKU-1"));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True((bool)reply.Json["success"]!);
        Assert.Equal("acc-track-1", (string)reply.Json["result"]!["messageId"]!);
        Assert.Equal("accepted", (string)reply.Json["result"]!["outcome"]!);
        // A bare userId is a member id; the customer id is derived from the identifier that created it.
        Assert.Equal(CustomerId.DerivedFrom("member:M-1001").Value, (string)reply.Json["result"]!["customerId"]!);
        // Answered only once durable: the row is in the file by the time the 200 arrives.
        Assert.Equal(1, host.Probe.EventsWithMessageId("acc-track-1"));
    }

    [Fact]
    public async Task Track_SameMessageIdAgain_StoresNoSecondEvent()
    {
        var customer = CustomerId.DerivedFrom("member:M-1002").Value;
        var first = await host.Client.PostAsync("/api/v1/track", Track("acc-dup-1", "M-1002", Samples.T0, "SKU-2"));
        var again = await host.Client.PostAsync("/api/v1/track", Track("acc-dup-1", "M-1002", Samples.T0, "SKU-2"));
        // A retry that changed its body still carries the same messageId: still the same event.
        var changed = await host.Client.PostAsync("/api/v1/track", Track("acc-dup-1", "M-1002", Samples.T0.AddMinutes(3), "SKU-9"));

        Assert.Equal("accepted", (string)first.Json["result"]!["outcome"]!);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("duplicate", (string)again.Json["result"]!["outcome"]!);
        Assert.Equal("duplicate", (string)changed.Json["result"]!["outcome"]!);
        var profile = await host.Client.GetReplyAsync($"/api/customers/{customer}");
        Assert.Equal(1, (long)profile.Json["counters"]!["events"]!);
        Assert.Equal(1, host.Probe.EventsWithMessageId("acc-dup-1"));
        Assert.Equal(0, host.Probe.QuarantinedWithMessageId("acc-dup-1"));
        Assert.Equal(1, host.Probe.EventsOf(customer));
    }

    [Fact]
    public async Task Track_BadTimestampAndMissingEventName_Returns400ProblemNamingBoth()
    {
        const string body = """{"messageId":"acc-bad-1","userId":"M-1003","timestamp":"yesterday at noon","properties":{"sku":"SKU-3"}}""";

        var reply = await host.Client.PostAsync("/api/v1/track", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(400, (int)reply.Json["status"]!);
        Assert.Equal("/api/v1/track", (string)reply.Json["instance"]!);
        Assert.Equal(["/event", "/timestamp"], reply.ErrorPointers.Order(StringComparer.Ordinal));
        var detail = (string)reply.Json["detail"]!;
        Assert.Contains("/event", detail, StringComparison.Ordinal);
        Assert.Contains("/timestamp", detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Probe.EventsWithMessageId("acc-bad-1"));
        Assert.Equal(0, host.Probe.QuarantinedWithMessageId("acc-bad-1"));
    }

    [Fact]
    public async Task Batch_ThreeItemsOneBad_AcceptsTwoAndListsTheBadOneByPointer()
    {
        var body = $$"""
            {"batch":[
              {"type":"track","messageId":"acc-batch-1","userId":"M-1004","event":"Product Viewed","properties":{"sku":"A"},"timestamp":"{{Samples.Iso(Samples.T0)}}"},
              {"type":"track","messageId":"acc-batch-2","userId":"M-1004","event":"Product Viewed","properties":{"sku":"B"},"timestamp":"31/02/2026 25:61"},
              {"type":"page","messageId":"acc-batch-3","userId":"M-1004","name":"Home","timestamp":"{{Samples.Iso(Samples.T0.AddMinutes(1))}}"}
            ]}
            """;

        var reply = await host.Client.PostAsync("/api/v1/batch", body);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(2, (int)reply.Json["accepted"]!);
        Assert.False((bool)reply.Json["success"]!);
        var rejected = Assert.Single(reply.Json["rejected"]!.AsArray());
        Assert.Equal(1, (int)rejected!["index"]!);
        Assert.Equal("acc-batch-2", (string)rejected["messageId"]!);
        var error = Assert.Single(rejected["errors"]!.AsArray());
        Assert.Equal("/batch/1/timestamp", (string)error!["pointer"]!);
        Assert.Equal(["acc-batch-1", "acc-batch-3"], reply.Json["items"]!.AsArray().Select(i => (string)i!["messageId"]!));
        Assert.Equal(1, host.Probe.EventsWithMessageId("acc-batch-1"));
        Assert.Equal(0, host.Probe.EventsWithMessageId("acc-batch-2"));
        Assert.Equal(1, host.Probe.EventsWithMessageId("acc-batch-3"));
    }

    [Fact]
    public async Task Profile_AfterIdentifyWithPhoneThenTrack_ShowsTheEventAndOnlyTheMaskedPhone()
    {
        var identify = $$"""
            {"messageId":"acc-prof-1","userId":"M-1005","traits":{"phone":"+86 139 5721 5670","gender":"f"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}
            """;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/v1/identify", identify)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("/api/v1/track", Track("acc-prof-2", "M-1005", Samples.T0.AddMinutes(2), "SKU-5"))).Status);

        var profile = await host.Client.GetReplyAsync($"/api/customers/{CustomerId.DerivedFrom("member:M-1005")}");

        Assert.Equal(HttpStatusCode.OK, profile.Status);
        Assert.Equal(2, (long)profile.Json["counters"]!["events"]!);
        var recent = profile.Json["recentEvents"]!.AsArray();
        Assert.Contains(recent, e => (string)e!["messageId"]! == "acc-prof-2" && (string)e["name"]! == "Product Viewed" && (string)e["type"]! == "track");
        Assert.Contains(profile.Json["identities"]!.AsArray(), i => (string)i!["kind"]! == "phone" && (string)i["display"]! == "139****5670");
        Assert.DoesNotContain("13957215670", profile.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("139 5721 5670", profile.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("5721", profile.Text, StringComparison.Ordinal);
        Assert.Equal("f", (string)profile.Json["traits"]!["gender"]!);
    }
}
