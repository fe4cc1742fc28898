using System.Net;
using Lodestar.Customers;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Http;

/// <summary>Identity resolution, lookup, merges, erasure and the OpenAPI document over the real host.</summary>
public sealed class CustomerApiTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    private async Task Post(string path, string body)
    {
        var reply = await host.Client.PostAsync(path, body);
        Assert.True(reply.Status == HttpStatusCode.OK, $"{path} answered {reply.Status}: {reply.Text}");
        Assert.NotEqual("quarantined", (string?)reply.Json["result"]?["outcome"]);
    }

    [Fact]
    public async Task Identify_AfterAnonymousPageViews_MergesTheDeviceIntoTheMember()
    {
        // The member shopped on the phone first; later an anonymous laptop browses; then the member logs in on it.
        var member = CustomerId.DerivedFrom("member:M-3001").Value;
        var laptop = CustomerId.DerivedFrom("anonymous:anon-laptop-3001").Value;
        await Post("/api/v1/track", $$"""{"messageId":"mrg-1","userId":"M-3001","anonymousId":"anon-phone-3001","event":"Product Viewed","properties":{"sku":"S1"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}""");
        await Post("/api/v1/page", $$"""{"messageId":"mrg-2","anonymousId":"anon-laptop-3001","name":"Home","timestamp":"{{Samples.Iso(Samples.T0.AddHours(2))}}"}""");
        await Post("/api/v1/page", $$"""{"messageId":"mrg-3","anonymousId":"anon-laptop-3001","name":"Shoes","timestamp":"{{Samples.Iso(Samples.T0.AddHours(2).AddMinutes(1))}}"}""");
        var before = await host.Client.GetReplyAsync($"/api/customers/{laptop}");
        Assert.Equal(laptop, (string)before.Json["id"]!);

        var identify = await host.Client.PostAsync("/api/v1/identify", $$"""{"messageId":"mrg-4","userId":"M-3001","anonymousId":"anon-laptop-3001","timestamp":"{{Samples.Iso(Samples.T0.AddHours(2).AddMinutes(2))}}"}""");

        Assert.Equal(member, (string)identify.Json["result"]!["customerId"]!);
        var profile = (await host.Client.GetReplyAsync($"/api/customers/{member}")).Json;
        Assert.Equal(4, (long)profile["counters"]!["events"]!);
        Assert.Equal(2, (long)profile["counters"]!["pageViews"]!);
        Assert.Equal([laptop], profile["mergedFrom"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(["mrg-1", "mrg-2", "mrg-3", "mrg-4"], profile["recentEvents"]!.AsArray().Select(e => (string)e!["messageId"]!).Order(StringComparer.Ordinal));
        // The merged-away id still answers, with the survivor.
        Assert.Equal(member, (string)(await host.Client.GetReplyAsync($"/api/customers/{laptop}")).Json["id"]!);
        var merges = (await host.Client.GetReplyAsync($"/api/customers/{member}/merges")).Json.AsArray();
        var merge = Assert.Single(merges);
        Assert.Equal(member, (string)merge!["survivor"]!);
        Assert.Equal(laptop, (string)merge["merged"]!);
        Assert.Equal("identify", (string)merge["reason"]!);
        Assert.Equal("mrg-4", (string)merge["messageId"]!);
        Assert.Equal(4, host.Probe.EventsOf(member));
        Assert.Equal(0, host.Probe.EventsOf(laptop));
        Assert.Equal(member, (string)(await host.Client.LookupAsync("member", "M-3001")).Json["customerId"]!);
    }

    [Theory]
    [InlineData("15861427093")]
    [InlineData("+86 158 6142 7093")]
    [InlineData("0086-158-6142-7093")]
    public async Task Lookup_ByPhoneInAnyFormat_FindsTheCustomer(string phone)
    {
        await Post("/api/v1/identify", $$"""{"messageId":"look-1","userId":"M-4001","traits":{"phone":"158 6142 7093"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}""");

        var reply = await host.Client.LookupAsync("phone", phone);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(CustomerId.DerivedFrom("member:M-4001").Value, (string)reply.Json["customerId"]!);
    }

    [Fact]
    public async Task Lookup_UnknownPhone_Returns404AndMalformedPhone_Returns400()
    {
        var unknown = await host.Client.LookupAsync("phone", "18722906314");
        var malformed = await host.Client.LookupAsync("phone", "12345");

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("application/problem+json", unknown.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal(["/phone"], malformed.ErrorPointers);
    }

    [Fact]
    public async Task Erase_OneOfTwoCustomers_RemovesItCompletelyAndLeavesTheOtherIntact()
    {
        var erased = CustomerId.DerivedFrom("member:M-5001").Value;
        var kept = CustomerId.DerivedFrom("member:M-5002").Value;
        foreach (var (m, phone, n) in new[] { ("M-5001", "13671824095", 1), ("M-5002", "13587063142", 2) })
        {
            await Post("/api/v1/identify", $$"""{"messageId":"era-{{m}}-0","userId":"{{m}}","traits":{"phone":"{{phone}}"},"timestamp":"{{Samples.Iso(Samples.T0)}}"}""");
            for (var i = 1; i <= n; i++)
            {
                await Post("/api/v1/track", $$"""{"messageId":"era-{{m}}-{{i}}","userId":"{{m}}","event":"Product Viewed","properties":{"n":{{i}}},"timestamp":"{{Samples.Iso(Samples.T0.AddMinutes(i))}}"}""");
            }
        }
        Assert.Equal(2, host.Probe.EventsOf(erased));

        var delete = await host.Client.DeleteReplyAsync($"/api/customers/{erased}");

        Assert.Equal(HttpStatusCode.NoContent, delete.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetReplyAsync($"/api/customers/{erased}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.LookupAsync("phone", "13671824095")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.DeleteReplyAsync($"/api/customers/{erased}")).Status);
        Assert.Equal(0, host.Probe.EventsOf(erased));
        Assert.Equal(0, host.Probe.IdentitiesOf(erased));
        var other = await host.Client.GetReplyAsync($"/api/customers/{kept}");
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(3, (long)other.Json["counters"]!["events"]!);
        Assert.Contains(other.Json["identities"]!.AsArray(), i => (string)i!["display"]! == "135****3142");
        Assert.Equal(kept, (string)(await host.Client.LookupAsync("phone", "13587063142")).Json["customerId"]!);
        Assert.Equal(3, host.Probe.EventsOf(kept));
    }

    [Fact]
    public async Task Get_MalformedCustomerId_Returns400NamingTheId()
    {
        var reply = await host.Client.GetReplyAsync("/api/customers/C_NOT-AN-ID");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(["/id"], reply.ErrorPointers);
    }

    public static TheoryData<string, string> Routes => new()
    {
        { "post", "/api/v1/track" },
        { "post", "/api/v1/identify" },
        { "post", "/api/v1/page" },
        { "post", "/api/v1/screen" },
        { "post", "/api/v1/alias" },
        { "post", "/api/v1/batch" },
        { "post", "/api/webhooks/miniprogram" },
        { "post", "/api/webhooks/pos" },
        { "post", "/api/webhooks/service" },
        { "get", "/api/customers/{id}" },
        { "delete", "/api/customers/{id}" },
        { "get", "/api/customers/{id}/merges" },
        { "post", "/api/customers/lookup" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task OpenApiDocument_ListsTheRoute(string method, string path)
    {
        var reply = await host.Anonymous.GetReplyAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.StartsWith("3.", (string)reply.Json["openapi"]!, StringComparison.Ordinal);
        var item = reply.Json["paths"]![path];
        Assert.True(item is not null, $"{path} is missing; the document lists {string.Join(", ", reply.Json["paths"]!.AsObject().Select(p => p.Key))}");
        Assert.True(item[method] is not null, $"{path} has no {method} operation");
    }
}
