using System.Text;
using System.Text.Json;
using Azure.Core.Amqp;
using Azure.Messaging.EventHubs;
using Lodestar.Cleaning;
using Lodestar.EventHubs;
using Lodestar.Events;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

public sealed class EventEnvelopeTests
{
    public static TheoryData<string> Kinds => ["identify", "order", "no-identifier"];

    private static CleanResult Sample(string kind) => kind switch
    {
        "identify" => Samples.Identify(),
        "order" => Samples.PosOrder(),
        _ => Samples.Anonymousless(),
    };

    /// <summary>Through the AMQP wire form, as the trigger's converter rebuilds an EventData from the host's bytes.</summary>
    private static EventData OverTheWire(EventData sent) =>
        new(AmqpAnnotatedMessage.FromBytes(sent.GetRawAmqpMessage().ToBytes()));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RoundTrip_ThroughAmqpBytes_LosesNothing(string kind)
    {
        var original = Sample(kind);

        var received = OverTheWire(EventEnvelope.ToEventData(original));

        Assert.True(EventEnvelope.TryRead(received, out var decoded, out var reason), reason);
        Assert.Equal(Samples.Json(original), Samples.Json(decoded));
        Assert.Equal(original.Quarantined, decoded.Quarantined);
        Assert.Equal(original.Findings.Select(f => (f.Code, f.Quarantines, f.Detail, f.Line)), decoded.Findings.Select(f => (f.Code, f.Quarantines, f.Detail, f.Line)));
        Assert.Equal(original.Event.Ids, decoded.Event.Ids);
        Assert.Equal(original.Event.Timestamp, decoded.Event.Timestamp);
        Assert.Equal(original.Event.Timestamp.Offset, decoded.Event.Timestamp.Offset);
    }

    [Fact]
    public void RoundTrip_KeepsOrderLinesPropertiesAndSourceZone()
    {
        var order = Samples.PosOrder();
        var identify = Samples.Identify();

        Assert.True(EventEnvelope.TryRead(OverTheWire(EventEnvelope.ToEventData(order)), out var o, out _));
        Assert.True(EventEnvelope.TryRead(OverTheWire(EventEnvelope.ToEventData(identify)), out var i, out _));

        Assert.Equal(order.Event.Order!.Lines, o.Event.Order!.Lines);
        Assert.Equal(200, o.Event.Order.DiscountMinor);
        Assert.Contains(o.Findings, f => f.Line >= 0 && f.Quarantines);
        Assert.Equal("+08:00", i.Event.SourceZone);
        Assert.Equal(identify.Event.Traits, i.Event.Traits);
        Assert.Equal(4.5, i.Event.Properties["score"].GetDouble());
        Assert.Equal(JsonValueKind.Null, i.Event.Properties["nested"].GetProperty("x").ValueKind);
    }

    [Fact]
    public void TryRead_AbsentPropertiesAndTraits_ReadAsEmpty()
    {
        var body = "{\"v\":1,\"event\":{\"messageId\":\"m\",\"type\":\"track\",\"source\":\"web\",\"ids\":[],\"timestamp\":\"2026-03-01T00:00:00Z\"},\"findings\":[]}";

        Assert.True(EventEnvelope.TryRead(Encoding.UTF8.GetBytes(body), out var result, out var reason), reason);
        Assert.Empty(result.Event.Properties);
        Assert.Empty(result.Event.Traits);
    }

    [Fact]
    public void Body_IsAVersionedEnvelope_WithMessageIdAndContentType()
    {
        var data = EventEnvelope.ToEventData(Samples.Identify(messageId: "m-42"));

        using var doc = JsonDocument.Parse(data.EventBody.ToMemory());
        Assert.Equal(1, doc.RootElement.GetProperty("v").GetInt32());
        Assert.Equal("m-42", doc.RootElement.GetProperty("event").GetProperty("messageId").GetString());
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("findings").ValueKind);
        Assert.Equal("m-42", data.MessageId);
        Assert.Equal("application/json", data.ContentType);
    }

    [Fact]
    public void Body_HoldsNoRawPhone_OnlyItsHashAndMask()
    {
        var result = Samples.Identify();

        var body = Encoding.UTF8.GetString(EventEnvelope.Write(result));

        Assert.DoesNotContain(Samples.RawPhone, body, StringComparison.Ordinal);
        Assert.DoesNotContain("+86" + Samples.RawPhone, body, StringComparison.Ordinal);
        Assert.Contains("139****7563", body, StringComparison.Ordinal);
        Assert.Contains(result.Event.Ids.Single(i => i.Kind == Identity.IdKind.Phone).Key, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all", "not JSON")]
    [InlineData("[1,2]", "not an envelope")]
    [InlineData("{\"event\":{}}", "no integer \"v\"")]
    [InlineData("{\"v\":\"1\"}", "no integer \"v\"")]
    [InlineData("{\"v\":2,\"event\":{}}", "unsupported envelope version 2")]
    [InlineData("{\"v\":1,\"findings\":[]}", "envelope has no event")]
    [InlineData("{\"v\":1,\"event\":{\"type\":\"track\"},\"findings\":[]}", "does not match version 1")]
    [InlineData("{\"v\":1,\"event\":{\"messageId\":\"m\",\"type\":\"track\",\"source\":\"web\",\"ids\":[null],\"timestamp\":\"2026-03-01T00:00:00Z\"},\"findings\":[]}", "event ids missing or null")]
    [InlineData("{\"v\":1,\"event\":{\"messageId\":\"m\",\"type\":\"track\",\"source\":\"web\",\"timestamp\":\"2026-03-01T00:00:00Z\"},\"findings\":[]}", "does not match version 1")]
    [InlineData("{\"v\":1,\"event\":{\"messageId\":\"m\",\"type\":\"track\",\"source\":\"web\",\"ids\":[],\"timestamp\":\"2026-03-01T00:00:00Z\"}}", "findings missing")]
    [InlineData("{\"v\":1,\"event\":{\"messageId\":\"m\",\"type\":\"nonsense\",\"source\":\"web\",\"ids\":[],\"timestamp\":\"2026-03-01T00:00:00Z\"},\"findings\":[]}", "does not match version 1")]
    public void TryRead_Malformed_GivesAReason(string body, string expected)
    {
        Assert.False(EventEnvelope.TryRead(Encoding.UTF8.GetBytes(body), out var result, out var reason));
        Assert.Null(result);
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_Malformed_ReasonNeverQuotesTheBody()
    {
        var body = "{\"v\":1,\"event\":{\"messageId\":\"m\",\"type\":\"track\",\"source\":\"web\",\"ids\":[{\"kind\":\"phone\",\"key\":" + Samples.RawPhone
            + "}],\"timestamp\":\"" + Samples.RawPhone + "\"},\"findings\":[]}";

        Assert.False(EventEnvelope.TryRead(Encoding.UTF8.GetBytes(body), out _, out var reason));
        Assert.DoesNotContain(Samples.RawPhone, reason, StringComparison.Ordinal);
    }
}
