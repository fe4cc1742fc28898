using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Api;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Journeys;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Http;

/// <summary>
/// The feedback loop over the real endpoint on Kestrel: Event Grid reports for messages a journey sent land on the
/// profile as engagement events, wake the instance waiting for them, count once in campaign metrics; STOP replies and
/// unsubscribe links withdraw consent; a hard bounce stops the next send.
/// </summary>
public sealed class EventGridFeedbackTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    private const string Journey = """
        {
          "id": "eg-welcome", "version": 1, "name": "Welcome, then a nudge unless opened", "campaign": "eg-welcome",
          "entry": { "type": "event", "event": { "names": ["signed_up"] } },
          "start": "welcome",
          "nodes": [
            { "id": "welcome", "type": "send", "channel": "email", "template": "welcome-email", "transactional": true, "next": "wait-open" },
            { "id": "wait-open", "type": "waitForEvent", "event": { "names": ["Message Opened"] }, "timeout": "48h", "onEvent": "opened", "onTimeout": "nudge" },
            { "id": "opened", "type": "updateProfile", "setTags": { "welcome_opened": "true" } },
            { "id": "nudge", "type": "send", "channel": "sms", "template": "welcome-sms", "transactional": true }
          ]
        }
        """;

    private const string PingJourney = """
        {
          "id": "eg-ping", "version": 1, "name": "Ping by email", "campaign": "eg-ping",
          "entry": { "type": "event", "event": { "names": ["pinged"] } },
          "start": "mail",
          "nodes": [ { "id": "mail", "type": "send", "channel": "email", "template": "ping-email", "transactional": true } ]
        }
        """;

    private static string Member(string member) => CustomerId.DerivedFrom("member:" + member).Value;

    [Fact]
    public async Task EmailReports_ForAJourneysEmail_LandOnTheProfileWakeTheWaitingInstanceAndCountOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await Publish(Journey);
        await Track("eg-1", "M-eg-1", "signed_up");
        var customer = Member("M-eg-1");
        await Until(customer, "WaitingForEvent", ct);
        var messageId = await OutboxMessageId("email", customer, ct);
        // What the dispatcher records when ACS accepts the email: its operation id is the provider's message id.
        await host.App.Store.RecordSendsAsync([new SentMessageRecord(messageId, "acs-op-eg-1", CustomerId.Parse(customer), Channel.Email,
            "eg-welcome", "eg-welcome", "welcome", Samples.T0)], ct);

        var delivery = EventGrid(("eg-evt-1", EventGridParser.EmailDelivery, """{"messageId":"acs-op-eg-1","status":"Delivered","recipient":"someone@example.com"}"""),
            ("eg-evt-2", EventGridParser.EmailEngagement, """{"messageId":"acs-op-eg-1","engagement":"view","userActionTimestamp":"2026-03-01T12:30:00Z"}"""));
        var first = await host.Client.PostAsync("/api/webhooks/eventgrid", delivery);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(2, (int)first.Json["accepted"]!);

        var journeys = await Until(customer, "Completed", ct);
        Assert.Contains(journeys.Json["log"]!.AsArray(), e => (string)e!["outcome"]! == "EventMatched" && (string)e["node"]! == "wait-open");
        Assert.DoesNotContain(journeys.Json["log"]!.AsArray(), e => (string)e!["outcome"]! == "Sent" && (string)e["node"]! == "nudge");
        var profile = await host.Client.GetReplyAsync($"/api/customers/{customer}");
        var recent = profile.Json["recentEvents"]!.AsArray().Select(e => (string?)e!["name"]).ToList();
        Assert.Contains(EngagementEvents.Delivered, recent);
        Assert.Contains(EngagementEvents.Opened, recent);

        var again = await host.Client.PostAsync("/api/webhooks/eventgrid", delivery);
        Assert.Equal((0, 2), ((int)again.Json["accepted"]!, (int)again.Json["duplicates"]!));
        var metrics = await host.Client.GetReplyAsync("/api/campaigns/eg-welcome/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        Assert.Equal((1, 1, 1, 0), ((int)metrics.Json["total"]!["sent"]!, (int)metrics.Json["total"]!["delivered"]!, (int)metrics.Json["total"]!["opened"]!, (int)metrics.Json["total"]!["clicked"]!));
    }

    [Fact]
    public async Task ValidationEvent_AnswersItsCode()
    {
        var reply = await host.Client.PostAsync("/api/webhooks/eventgrid", EventGrid(("v-1", EventGridParser.ValidationEvent,
            """{"validationCode":"0f4e1a7c-6a57-4b7e-9d43-1b1f0b5d6e01","validationUrl":"https://rp.example.invalid/validate"}""")));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("0f4e1a7c-6a57-4b7e-9d43-1b1f0b5d6e01", (string)reply.Json["validationResponse"]!);
    }

    [Fact]
    public async Task CloudEventsOptionsHandshake_AllowsTheRequestingOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/webhooks/eventgrid");
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");
        using var response = await host.Anonymous.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("eventgrid.azure.net", Assert.Single(response.Headers.GetValues("WebHook-Allowed-Origin")));
    }

    [Fact]
    public async Task Delivery_WithoutTheWriteKey_IsUnauthorized()
    {
        using var response = await host.Anonymous.PostAsync("/api/webhooks/eventgrid",
            new StringContent(EventGrid(("x", EventGridParser.ValidationEvent, """{"validationCode":"c"}""")), System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task MalformedDelivery_AnswersProblemJsonWithAPointer()
    {
        var reply = await host.Client.PostAsync("/api/webhooks/eventgrid", EventGrid(("m-1", EventGridParser.EmailDelivery, """{"status":"Delivered"}""")));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(["/0/data/messageId"], reply.ErrorPointers);
    }

    [Fact]
    public async Task ReportForAnUnknownMessage_IsAcknowledgedAndDeadLettered()
    {
        var reply = await host.Client.PostAsync("/api/webhooks/eventgrid", EventGrid(("u-1", EventGridParser.EmailDelivery, """{"messageId":"acs-never-sent","status":"Delivered"}""")));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(1, (int)reply.Json["deadLettered"]!);
        var dead = await host.App.Store.DeadLettersAsync(100, TestContext.Current.CancellationToken);
        Assert.Contains(dead, d => d.EventId == "u-1" && d.Reason == DeadLetterReasons.UnknownMessage);
    }

    [Fact]
    public async Task StopReply_WithdrawsSmsMarketingConsentAtOnce()
    {
        await Pos("eg-pos-1", "M-eg-stop", "13957215670");
        await Track("eg-consent-1", "M-eg-stop", "Consent Updated", """{"channel":"sms","purpose":"marketing","granted":true}""");
        var customer = Member("M-eg-stop");
        Assert.True((bool)(await host.Client.GetReplyAsync($"/api/customers/{customer}")).Json["consent"]!["marketing.sms"]!["granted"]!);

        var reply = await host.Client.PostAsync("/api/webhooks/eventgrid", EventGrid(("stop-1", EventGridParser.SmsReceived,
            """{"messageId":"in-1","from":"+8613957215670","to":"+18005550100","message":"退订","receivedTimestamp":"2026-03-01T13:00:00Z","segmentCount":1}""")));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(customer, (string?)reply.Json["items"]![0]!["customer"]);
        var consent = (await host.Client.GetReplyAsync($"/api/customers/{customer}")).Json["consent"]!["marketing.sms"]!;
        Assert.False((bool)consent["granted"]!);
    }

    [Fact]
    public async Task HardBounce_MarksTheEmailUnusable_AndTheNextJourneySendIsSuppressed()
    {
        var ct = TestContext.Current.CancellationToken;
        await Track("eg-b-0", "M-eg-bounce", "visited");
        var customer = Member("M-eg-bounce");
        await host.App.Store.RecordSendsAsync([new SentMessageRecord("msg-eg-b", "acs-op-eg-b", CustomerId.Parse(customer), Channel.Email, "eg-other", "eg-other", "n1", Samples.T0)], ct);

        var reply = await host.Client.PostAsync("/api/webhooks/eventgrid", EventGrid(("b-1", EventGridParser.EmailDelivery, """{"messageId":"acs-op-eg-b","status":"Bounced"}""")));
        Assert.Equal(1, (int)reply.Json["accepted"]!);
        var profile = await host.Client.GetReplyAsync($"/api/customers/{customer}");
        Assert.Equal("Bounced", (string?)profile.Json["unusable"]!["email"]!["reason"]);

        await Publish(PingJourney);
        await Track("eg-b-1", "M-eg-bounce", "pinged");
        var journeys = await Until(customer, "Completed", ct);
        Assert.Contains(journeys.Json["log"]!.AsArray(), e => (string)e!["outcome"]! == "Suppressed" && (string?)e["reason"] == "contact-unusable");
    }

    [Fact]
    public async Task UnsubscribeLink_WithdrawsConsentAndAnswersAPage()
    {
        await Track("eg-u-0", "M-eg-unsub", "Consent Updated", """{"channel":"email","purpose":"marketing","granted":true}""");
        var customer = Member("M-eg-unsub");
        var tokens = new UnsubscribeTokens(UnsubscribeTokens.DeriveKey(Convert.FromBase64String(host.App.Secrets.PiiKey)));

        var page = await host.Anonymous.GetReplyAsync($"/api/unsubscribe?token={Uri.EscapeDataString(tokens.Issue(CustomerId.Parse(customer), Channel.Email))}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("Unsubscribed", page.Text, StringComparison.Ordinal);
        Assert.False((bool)(await host.Client.GetReplyAsync($"/api/customers/{customer}")).Json["consent"]!["marketing.email"]!["granted"]!);
        var forged = await host.Anonymous.GetReplyAsync("/api/unsubscribe?token=abc.def");
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
    }

    [Fact]
    public async Task PushCallback_Signed_LandsOnTheProfile_UnsignedIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        await Track("eg-cb-0", "M-eg-push", "visited");
        var customer = Member("M-eg-push");
        await host.App.Store.RecordSendsAsync([new SentMessageRecord("msg-eg-push", null, CustomerId.Parse(customer), Channel.Push, "eg-other", "eg-push", "n1", Samples.T0)], ct);
        var body = """[{"id":"cb-1","messageId":"msg-eg-push","channel":"push","status":"opened","timestamp":"2026-03-01T12:20:00Z"}]""";

        var unsigned = await host.Client.PostAsync("/api/webhooks/delivery", body);
        var signed = await host.Client.PostAsync("/api/webhooks/delivery", body,
            r => r.Headers.Add(Credentials.SignatureHeader, Credentials.Sign(System.Text.Encoding.UTF8.GetBytes(body), host.App.Secrets.MiniProgramSecret)));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.Status);
        Assert.Equal(HttpStatusCode.OK, signed.Status);
        Assert.Equal(customer, (string?)signed.Json["items"]![0]!["customer"]);
        var recent = (await host.Client.GetReplyAsync($"/api/customers/{customer}")).Json["recentEvents"]!.AsArray().Select(e => (string?)e!["name"]);
        Assert.Contains(EngagementEvents.Opened, recent);
    }

    [Fact]
    public async Task Metrics_UnknownCampaignOrBadWindow_AnswerProblemJson()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetReplyAsync("/api/campaigns/never-sent/metrics")).Status);
        var bad = await host.Client.GetReplyAsync("/api/campaigns/eg-welcome/metrics?window=soon&cost=fax=1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(["/window", "/cost/0"], bad.ErrorPointers);
    }

    /// <summary>An Event Grid schema delivery of the given (id, eventType, data) events.</summary>
    private static string EventGrid(params (string Id, string Type, string Data)[] events) => new JsonArray([.. events.Select(e => (JsonNode)new JsonObject
    {
        ["id"] = e.Id,
        ["topic"] = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/acs",
        ["subject"] = "sender/x/message/y",
        ["eventType"] = e.Type,
        ["eventTime"] = "2026-03-01T12:10:00Z",
        ["data"] = JsonNode.Parse(e.Data),
        ["dataVersion"] = "1.0",
        ["metadataVersion"] = "1",
    })]).ToJsonString();

    private async Task Publish(string json)
    {
        var published = await host.Client.PostAsync("/api/journeys", json);
        Assert.True(published.Status is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict, published.Text);
    }

    private async Task Track(string messageId, string member, string name, string properties = "{}")
    {
        var reply = await host.Client.PostAsync("/api/v1/track", $$"""
            {"type":"track","messageId":"{{messageId}}","userId":"{{member}}","event":"{{name}}","properties":{{properties}},"timestamp":"{{Samples.Iso(Samples.T0)}}"}
            """);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    private async Task Pos(string orderId, string member, string phone)
    {
        var reply = await host.Client.PostAsync("/api/webhooks/pos", $$"""
            {"orderId":"{{orderId}}","storeId":"S-1","memberId":"{{member}}","phone":"{{phone}}","timestamp":"{{Samples.Iso(Samples.T0.AddMinutes(-30))}}",
             "lines":[{"sku":"TEA-1","name":"Tea","category":"tea","quantity":1,"unitPrice":58}]}
            """);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    private async Task<string> OutboxMessageId(string channel, string customer, CancellationToken ct)
    {
        var outbox = Path.Combine(host.App.Data.Root, "outbox", channel + ".jsonl");
        for (var i = 0; ; i++)
        {
            if (File.Exists(outbox))
            {
                var line = (await File.ReadAllLinesAsync(outbox, ct)).FirstOrDefault(l => l.Contains(customer, StringComparison.Ordinal));
                if (line is not null)
                {
                    return JsonDocument.Parse(line).RootElement.GetProperty("messageId").GetString()!;
                }
            }
            Assert.True(i < 100, $"no {channel} outbox line for {customer}");
            await Task.Delay(50, ct);
        }
    }

    private async Task<Reply> Until(string customer, string status, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            var reply = await host.Client.GetReplyAsync($"/api/customers/{customer}/journeys");
            if (reply.Status == HttpStatusCode.OK && reply.Json["instances"]!.AsArray().Any(x => (string)x!["status"]! == status))
            {
                return reply;
            }
            Assert.True(i < 100, $"never {status}: {reply.Text}");
            await Task.Delay(50, ct);
        }
    }
}
