using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lodestar.Api;
using Lodestar.Customers;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Http;

/// <summary>Authentication, malformed bodies and the store, mini-program and service webhooks over the real host.</summary>
public sealed class IngestApiTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    private static string Track(string messageId) => $$"""
        {"messageId":"{{messageId}}","userId":"M-2001","event":"Product Viewed","timestamp":"{{Samples.Iso(Samples.T0)}}"}
        """;

    public static TheoryData<string, string?> BadCredentials => new()
    {
        { "no Authorization header", null },
        { "unknown write key", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("wk_someone_else:")) },
        { "the key as password, not as user name", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + InProcessHost.Key)) },
        { "bearer instead of basic", "Bearer " + InProcessHost.Key },
        { "credentials that are not base64", "Basic !!not-base64!!" },
    };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Track_WrongOrMissingWriteKey_Returns401ProblemAndStoresNothing(string scenario, string? authorization)
    {
        var messageId = "auth-" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(scenario))[..24];

        var reply = await host.Anonymous.PostAsync("/api/v1/track", Track(messageId), r =>
        {
            if (authorization is not null)
            {
                r.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
        });

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(401, (int)reply.Json["status"]!);
        Assert.Equal(0, host.Probe.EventsWithMessageId(messageId));
    }

    [Fact]
    public async Task Track_WriteKeyAsBasicUserName_IsAccepted()
    {
        // Segment's SDKs send "Basic base64(writeKey:)"; some send a password too, which is ignored.
        var reply = await host.Anonymous.PostAsync("/api/v1/track", Track("auth-ok-1"), r =>
            r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(InProcessHost.Key + ":ignored"))));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(1, host.Probe.EventsWithMessageId("auth-ok-1"));
    }

    [Theory]
    [InlineData("/api/customers/c_0000000000000001")]
    [InlineData("/api/customers/c_0000000000000001/merges")]
    public async Task CustomerEndpoints_WithoutWriteKey_Return401Problem(string path)
    {
        var reply = await host.Anonymous.GetReplyAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
    }

    [Fact]
    public async Task Lookup_WithoutWriteKey_Returns401Problem()
    {
        var reply = await host.Anonymous.LookupAsync("member", "M-2001");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
    }

    [Theory]
    [InlineData("/api/v1/track", """{"messageId":"json-1","userId":"M-2002","event":"X",""")]
    [InlineData("/api/v1/batch", """{"batch":[{"type":"track",}]}""")]
    [InlineData("/api/webhooks/pos", "orderId=7&storeId=S1")]
    public async Task Post_InvalidJson_Returns400ProblemNamingTheBody(string path, string body)
    {
        var reply = await host.Client.PostAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        // The empty JSON pointer names the whole document.
        Assert.Equal([""], reply.ErrorPointers);
        Assert.StartsWith("the body is not valid JSON", (string)reply.Json["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_EveryItemBad_Returns400ProblemNamingEachItem()
    {
        const string body = """{"batch":[{"type":"track","messageId":"allbad-1","userId":"M-2003"},{"type":"launch","messageId":"allbad-2","userId":"M-2003"}]}""";

        var reply = await host.Client.PostAsync("/api/v1/batch", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(["/batch/0/event", "/batch/1/type"], reply.ErrorPointers.Order(StringComparer.Ordinal));
        Assert.Equal(0, host.Probe.EventsWithMessageId("allbad-1"));
    }

    [Fact]
    public async Task Track_FormEncodedBody_Returns415Problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/track")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("messageId", "form-1"), KeyValuePair.Create("userId", "M-2004")]),
        };

        var reply = await HttpJson.SendAsync(host.Client, request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(0, host.Probe.EventsWithMessageId("form-1"));
    }

    private static string MiniProgram(string messageId, string openId, string unionId) => $$"""
        {"openid":"{{openId}}","unionid":"{{unionId}}","event":"coupon_claimed","properties":{"coupon":"SPRING-20"},
         "timestamp":"{{Samples.Iso(Samples.T0)}}","messageId":"{{messageId}}"}
        """;

    private Task<Reply> PostSigned(string body, string signature) =>
        host.Anonymous.PostAsync("/api/webhooks/miniprogram", body, r => r.Headers.Add(Credentials.SignatureHeader, signature));

    [Fact]
    public async Task MiniProgram_CorrectSignature_Returns200AndAttributesToTheUnionId()
    {
        var body = MiniProgram("mp-ok-1", "o_open_2101", "u_union_2101");
        var signature = Credentials.Sign(Encoding.UTF8.GetBytes(body), host.App.Secrets.MiniProgramSecret);

        var reply = await PostSigned(body, signature);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("accepted", (string)reply.Json["result"]!["outcome"]!);
        // The union id is the stronger identifier, so it names the new customer.
        var customer = CustomerId.DerivedFrom("unionid:u_union_2101").Value;
        Assert.Equal(customer, (string)reply.Json["result"]!["customerId"]!);
        var profile = await host.Client.GetReplyAsync($"/api/customers/{customer}");
        Assert.Contains(profile.Json["recentEvents"]!.AsArray(), e => (string)e!["name"]! == "coupon_claimed" && (string)e["source"]! == "miniprogram");
        var found = await host.Client.LookupAsync("openid", "o_open_2101");
        Assert.Equal(customer, (string)found.Json["customerId"]!);
    }

    public static TheoryData<string, Func<string, string, string>> BadSignatures => new()
    {
        { "signed with another secret", (body, _) => Credentials.Sign(Encoding.UTF8.GetBytes(body), "not-the-shared-secret") },
        { "signature of another body", (body, secret) => Credentials.Sign(Encoding.UTF8.GetBytes(body.Replace("coupon_claimed", "coupon_used", StringComparison.Ordinal)), secret) },
        { "hex without the sha256= prefix", (body, secret) => Credentials.Sign(Encoding.UTF8.GetBytes(body), secret)["sha256=".Length..] },
        { "empty header", (_, _) => "" },
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task MiniProgram_WrongSignature_Returns401AndStoresNothing(string scenario, Func<string, string, string> sign)
    {
        var messageId = "mp-bad-" + scenario.Length;
        var body = MiniProgram(messageId, "o_open_2102", "u_union_2102");

        var reply = await PostSigned(body, sign(body, host.App.Secrets.MiniProgramSecret));

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(0, host.Probe.EventsWithMessageId(messageId));
        Assert.Equal(0, host.Probe.EventsOf(CustomerId.DerivedFrom("unionid:u_union_2102").Value));
    }

    [Fact]
    public async Task PosOrder_SaleThenReturn_CountsOrdersSpendInMinorUnitsAndCancellations()
    {
        var customer = CustomerId.DerivedFrom("member:M-2201").Value;
        var sale = $$"""
            {"orderId":"SO-88001","storeId":"SH-012","memberId":"M-2201","timestamp":"{{Samples.Iso(Samples.T0)}}","currency":"CNY","type":"sale",
             "lines":[{"sku":"TEA-1","name":"Longjing","category":"grocery","quantity":2,"unitPrice":12.50},
                      {"sku":"CUP-7","name":"Cup","category":"home","quantity":1,"unitPrice":"99.90"}]}
            """;
        var refund = $$"""
            {"orderId":"RT-88001","storeId":"SH-012","memberId":"M-2201","timestamp":"{{Samples.Iso(Samples.T0.AddHours(6))}}","type":"return",
             "lines":[{"sku":"CUP-7","name":"Cup","category":"home","quantity":1,"unitPrice":99.90}]}
            """;

        var saleReply = await host.Client.PostAsync("/api/webhooks/pos", sale);
        var refundReply = await host.Client.PostAsync("/api/webhooks/pos", refund);
        var resent = await host.Client.PostAsync("/api/webhooks/pos", sale);

        Assert.Equal(HttpStatusCode.OK, saleReply.Status);
        Assert.Equal(HttpStatusCode.OK, refundReply.Status);
        // The message id is derived from store and order, so the POS system's resend is the same event.
        Assert.Equal("pos-SH-012-SO-88001", (string)resent.Json["result"]!["messageId"]!);
        Assert.Equal("duplicate", (string)resent.Json["result"]!["outcome"]!);
        var counters = (await host.Client.GetReplyAsync($"/api/customers/{customer}")).Json["counters"]!;
        Assert.Equal(1, (long)counters["orders"]!);
        Assert.Equal((2 * 1250) + 9990, (long)counters["spendMinor"]!);
        Assert.Equal(1, (long)counters["cancellations"]!);
        Assert.Equal(9990, (long)counters["refundMinor"]!);
        Assert.Equal(2, (long)counters["events"]!);
    }

    [Fact]
    public async Task ServiceContact_ComplaintAndEnquiry_CountsBothContactsAndOneComplaint()
    {
        var customer = CustomerId.DerivedFrom("member:M-2301").Value;
        string Contact(string id, bool complaint, int minutes) => $$"""
            {"contactId":"{{id}}","memberId":"M-2301","channel":"hotline","topic":"late delivery","resolution":"voucher",
             "complaint":{{(complaint ? "true" : "false")}},"timestamp":"{{Samples.Iso(Samples.T0.AddMinutes(minutes))}}"}
            """;

        var enquiry = await host.Client.PostAsync("/api/webhooks/service", Contact("CS-5001", complaint: false, 0));
        var complaint = await host.Client.PostAsync("/api/webhooks/service", Contact("CS-5002", complaint: true, 90));

        Assert.Equal(HttpStatusCode.OK, enquiry.Status);
        Assert.Equal(HttpStatusCode.OK, complaint.Status);
        var profile = (await host.Client.GetReplyAsync($"/api/customers/{customer}")).Json;
        Assert.Equal(2, (long)profile["counters"]!["serviceContacts"]!);
        Assert.Equal(1, (long)profile["counters"]!["complaints"]!);
        Assert.Contains(profile["recentEvents"]!.AsArray(), e => (string)e!["messageId"]! == "svc-CS-5002" && (string)e["name"]! == "Complaint Filed");
    }

    [Fact]
    public async Task ServiceContact_WithoutAnyCustomerIdentifier_Returns400NamingMemberId()
    {
        const string body = """{"contactId":"CS-5100","channel":"chat","topic":"invoice"}""";

        var reply = await host.Client.PostAsync("/api/webhooks/service", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(["/memberId"], reply.ErrorPointers);
    }
}
