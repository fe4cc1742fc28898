using System.Text.Json;
using Lodestar.Engagement;
using Lodestar.Journeys;

namespace Lodestar.Tests.Engagement;

/// <summary>Event Grid deliveries in both schemas, read by the documented ACS data fields.</summary>
public sealed class EventGridParserTests
{
    private static readonly DateTimeOffset Received = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static EventGridBatch Parse(string json)
    {
        var parsed = EventGridParser.Parse(JsonDocument.Parse(json).RootElement, Received);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => $"{e.Pointer} {e.Message}")));
        return parsed.Value!;
    }

    private static IReadOnlyList<string> Pointers(string json) =>
        [.. EventGridParser.Parse(JsonDocument.Parse(json).RootElement, Received).Errors.Select(e => e.Pointer)];

    [Fact]
    public void Parse_SubscriptionValidation_ReturnsTheCode()
    {
        var batch = Parse("""
            [{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x","subject":"","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
              "eventTime":"2026-03-01T12:00:00Z","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://example.invalid/v"},"dataVersion":"1","metadataVersion":"1"}]
            """);

        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", batch.ValidationCode);
        Assert.Empty(batch.Reports);
    }

    [Theory]
    [InlineData("Delivered", EngagementKind.Delivered)]
    [InlineData("Bounced", EngagementKind.Bounced)]
    [InlineData("Suppressed", EngagementKind.Bounced)]
    [InlineData("Failed", EngagementKind.Failed)]
    [InlineData("FilteredSpam", EngagementKind.Failed)]
    [InlineData("Quarantined", EngagementKind.Failed)]
    public void Parse_EmailDeliveryReport_MapsTheStatus(string status, EngagementKind kind)
    {
        var batch = Parse($$$"""
            [{"id":"e1","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","eventTime":"2026-03-01T12:00:05Z",
              "data":{"sender":"no-reply@shop.example","recipient":"someone@example.com","messageId":"acs-1","status":"{{{status}}}",
                      "deliveryStatusDetails":{"statusMessage":"detail text"},"deliveryAttemptTimestamp":"2026-03-01T12:00:03Z"}}]
            """);

        var report = Assert.IsType<DeliveryReport>(Assert.Single(batch.Reports));
        Assert.Equal(("e1", "acs-1", kind, Channel.Email, "detail text"), (report.EventId, report.ProviderMessageId, report.Kind, report.Channel, report.Detail));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 3, TimeSpan.Zero), report.At);
    }

    [Theory]
    [InlineData("view", EngagementKind.Opened)]
    [InlineData("click", EngagementKind.Clicked)]
    public void Parse_EmailEngagementReport_ViewIsOpenClickIsClick(string engagement, EngagementKind kind)
    {
        var batch = Parse($$$"""
            [{"id":"e2","eventType":"Microsoft.Communication.EmailEngagementTrackingReportReceived","eventTime":"2026-03-01T13:00:00Z",
              "data":{"messageId":"acs-1","engagement":"{{{engagement}}}","engagementContext":"https://shop.example/x","userActionTimestamp":"2026-03-01T12:59:00Z","userAgent":"UA"}}]
            """);

        var report = Assert.IsType<EngagementReport>(Assert.Single(batch.Reports));
        Assert.Equal(kind, report.Kind);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 59, 0, TimeSpan.Zero), report.At);
    }

    [Fact]
    public void Parse_SmsDeliveryAndInboundInOneCloudEventsBatch_ReadsBoth()
    {
        var batch = Parse("""
            [{"specversion":"1.0","id":"c1","type":"Microsoft.Communication.SMSDeliveryReportReceived","source":"/acs","time":"2026-03-01T12:00:00Z",
              "data":{"messageId":"sms-1","from":"+18005550100","to":"+8613800000000","deliveryStatus":"Failed","deliveryStatusDetails":"carrier failure","receivedTimestamp":"2026-03-01T12:00:09Z","tag":"t"}},
             {"specversion":"1.0","id":"c2","type":"Microsoft.Communication.SMSReceived","source":"/acs",
              "data":{"messageId":"in-1","from":"+8613800000000","to":"+18005550100","message":"TD","receivedTimestamp":"2026-03-01T12:05:00Z","segmentCount":1}}]
            """);

        var delivery = Assert.IsType<DeliveryReport>(batch.Reports[0]);
        Assert.Equal((Channel.Sms, EngagementKind.Failed, "carrier failure"), (delivery.Channel, delivery.Kind, delivery.Detail));
        var inbound = Assert.IsType<InboundSms>(batch.Reports[1]);
        Assert.Equal("TD", inbound.Message);
        Assert.DoesNotContain("13800000000", inbound.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownEventType_IsAcknowledgedAsIgnored() =>
        Assert.IsType<IgnoredReport>(Assert.Single(Parse("""[{"id":"x","eventType":"Microsoft.Storage.BlobCreated","eventTime":"2026-03-01T12:00:00Z","data":{}}]""").Reports));

    [Fact]
    public void Parse_MalformedEvents_NameEachBadFieldByPointer()
    {
        var pointers = Pointers("""
            [{"id":"a","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","eventTime":"2026-03-01T12:00:00Z","data":{"status":"Delivered"}},
             {"id":"b","eventType":"Microsoft.Communication.EmailEngagementTrackingReportReceived","eventTime":"soon","data":{"messageId":"m","engagement":"forward"}},
             {"eventType":"Microsoft.Communication.SMSReceived","eventTime":"2026-03-01T12:00:00Z"}]
            """);

        Assert.Equal(["/0/data/messageId", "/1/eventTime", "/1/data/engagement", "/2/id", "/2/data"], pointers);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("42")]
    public void Parse_NotABatchOfEvents_IsInvalid(string json) => Assert.NotEmpty(Pointers(json));
}

/// <summary>Push and mini-program delivery callbacks.</summary>
public sealed class CallbackParserTests
{
    private static readonly DateTimeOffset Received = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("delivered", EngagementKind.Delivered)]
    [InlineData("invalid", EngagementKind.Bounced)]
    [InlineData("refused", EngagementKind.Failed)]
    [InlineData("opened", EngagementKind.Opened)]
    [InlineData("clicked", EngagementKind.Clicked)]
    public void Parse_Status_MapsToItsKind(string status, EngagementKind kind)
    {
        var parsed = CallbackParser.Parse(JsonDocument.Parse($$"""{"messageId":"m1","channel":"miniprogram","status":"{{status}}"}""").RootElement, Received);

        var report = Assert.Single(parsed.Value);
        Assert.Equal(kind, report switch { DeliveryReport d => d.Kind, EngagementReport e => e.Kind, _ => (EngagementKind)(-1) });
        Assert.Equal(Received, report.At);
    }

    [Fact]
    public void Parse_SameCallbackWithoutId_DerivesTheSameId()
    {
        var json = """{"messageId":"m1","channel":"push","status":"opened","timestamp":"2026-03-01T12:00:00Z"}""";

        Assert.Equal(CallbackParser.Parse(JsonDocument.Parse(json).RootElement, Received).Value[0].EventId,
            CallbackParser.Parse(JsonDocument.Parse(json).RootElement, Received.AddDays(1)).Value[0].EventId);
    }

    [Fact]
    public void Parse_BadFields_NameEachByPointer() =>
        Assert.Equal(["/0/messageId", "/0/channel", "/0/status"],
            CallbackParser.Parse(JsonDocument.Parse("""[{"channel":"sms","status":"bounced"}]""").RootElement, Received).Errors.Select(e => e.Pointer));
}
