using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Sources;
using Lodestar.Tests.Support;
using Lodestar.Validation;

namespace Lodestar.Tests.Sources;

public sealed class WebhookParsersTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    private static IEnumerable<string> Pointers<T>(Validated<T> v) => v.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal);

    // ---- mini-program ----

    [Fact]
    public void MiniProgram_WithUnionId_CarriesBothWeChatIdentifiers()
    {
        var parsed = WebhookParsers.MiniProgram(Json.Parse("""
            {"openid": "oAbC123", "unionid": "uXyZ", "event": "coupon_claimed", "messageId": "mp-1",
             "timestamp": "2026-03-01T19:00:00+08:00", "properties": {"coupon": "SPRING"}}
            """), Clock.Ctx);

        var raw = parsed.Value!;
        Assert.Equal([new RawIdentifier(IdKind.OpenId, "oAbC123"), new RawIdentifier(IdKind.UnionId, "uXyZ")], raw.Ids);
        Assert.Equal(("mp-1", EventType.Track, "coupon_claimed", "miniprogram"), (raw.MessageId, raw.Type, raw.Name, raw.Source));
        Assert.Equal(T0.AddHours(-1), raw.Timestamp);
        Assert.Equal("SPRING", raw.Properties["coupon"].GetString());
    }

    [Fact]
    public void MiniProgram_WithoutUnionId_CarriesOnlyTheOpenId()
    {
        var parsed = WebhookParsers.MiniProgram(Json.Parse("""{"openid": "oAbC123", "event": "coupon_claimed"}"""), Clock.Ctx);

        Assert.Equal([new RawIdentifier(IdKind.OpenId, "oAbC123")], parsed.Value!.Ids);
        Assert.Equal(T0, parsed.Value.Timestamp);
        Assert.StartsWith("h-", parsed.Value.MessageId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("page_view", EventType.Page)]
    [InlineData("pageview", EventType.Page)]
    [InlineData("add_to_cart", EventType.Track)]
    public void MiniProgram_EventName_ChoosesTheType(string name, EventType type) =>
        Assert.Equal(type, WebhookParsers.MiniProgram(Json.Parse($$"""{"openid": "o1", "event": "{{name}}"}"""), Clock.Ctx).Value!.Type);

    [Fact]
    public void MiniProgram_MissingOpenIdAndEvent_ListsBoth()
    {
        var parsed = WebhookParsers.MiniProgram(Json.Parse("""{"unionid": "uXyZ"}"""), Clock.Ctx);

        Assert.Equal(["/event", "/openid"], Pointers(parsed));
    }

    // ---- POS order ----

    private const string Sale = """
        {"orderId": "O1001", "storeId": "S01", "memberId": "M1001", "phone": "139 1284 7563",
         "timestamp": "2026-03-01 19:45:00", "discount": 5.5,
         "lines": [{"sku": "TEA-1", "name": "Longjing 250g", "category": "tea", "quantity": 2, "unitPrice": 19.99},
                   {"sku": "CUP-2", "quantity": "1", "unitPrice": "88"}]}
        """;

    [Fact]
    public void PosOrder_Sale_ReadsLinesInMinorUnits()
    {
        var raw = WebhookParsers.PosOrder(Json.Parse(Sale), Clock.Ctx).Value!;

        Assert.Equal(("pos-S01-O1001", EventType.Order, "Order Completed", "pos"), (raw.MessageId, raw.Type, raw.Name, raw.Source));
        Assert.Equal([new RawIdentifier(IdKind.Member, "M1001"), new RawIdentifier(IdKind.Phone, "139 1284 7563")], raw.Ids);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 19, 45, 0, Clock.China), raw.Timestamp);
        Assert.False(raw.OffsetStated);
        var order = raw.Order!;
        Assert.Equal(("O1001", "S01", "CNY", false, 550L), (order.OrderId, order.StoreId, order.Currency, order.IsCancellation, order.DiscountMinor));
        Assert.Equal(
            [new OrderLine("TEA-1", "Longjing 250g", "tea", 2, 1_999), new OrderLine("CUP-2", null, null, 1, 8_800)],
            order.Lines);
        Assert.Equal(2 * 1_999 + 8_800, order.AmountMinor);
    }

    [Fact]
    public void PosOrder_SameOrderResent_HasTheSameMessageId()
    {
        var first = WebhookParsers.PosOrder(Json.Parse(Sale), Clock.Ctx).Value!;
        var resent = WebhookParsers.PosOrder(Json.Parse(Sale.Replace("5.5", "5.50", StringComparison.Ordinal)), Clock.Ctx with { ReceivedAt = T0.AddHours(1) }).Value!;

        Assert.Equal(first.MessageId, resent.MessageId);
    }

    [Fact]
    public void PosOrder_Return_IsACancellationNamedOrderRefunded()
    {
        var raw = WebhookParsers.PosOrder(Json.Parse("""
            {"orderId": "R7", "storeId": "S01", "memberId": "M1", "type": "return", "timestamp": "2026-03-01T11:00:00Z",
             "lines": [{"sku": "TEA-1", "quantity": 1, "unitPrice": 19.99}]}
            """), Clock.Ctx).Value!;

        Assert.True(raw.Order!.IsCancellation);
        Assert.Equal("Order Refunded", raw.Name);
    }

    [Theory]
    [InlineData("JPY", "1200", 1_200L)]
    [InlineData("KRW", "15000", 15_000L)]
    [InlineData("USD", "12.345", 1_235L)]  // half away from zero
    [InlineData("KWD", "1.2345", 1_235L)]  // three decimals, then half away from zero
    [InlineData("CNY", "0.01", 1L)]
    public void PosOrder_Currency_SetsTheMinorUnitExponent(string currency, string price, long minor)
    {
        var raw = WebhookParsers.PosOrder(Json.Parse($$"""
            {"orderId": "O1", "storeId": "S1", "memberId": "M1", "currency": "{{currency}}", "timestamp": "2026-03-01T11:00:00Z",
             "lines": [{"sku": "X", "quantity": 1, "unitPrice": {{price}}}]}
            """), Clock.Ctx).Value!;

        Assert.Equal(minor, raw.Order!.Lines[0].UnitPriceMinor);
        Assert.Equal(currency, raw.Order.Currency);
    }

    [Theory]
    [InlineData("""{"storeId": "S1", "timestamp": "2026-03-01T11:00:00Z", "lines": [{"sku": "X", "quantity": 1, "unitPrice": 1}]}""", "/orderId")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z"}""", "/lines")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z", "lines": []}""", "/lines")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z", "lines": {"sku": "X"}}""", "/lines")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "lines": [{"sku": "X", "quantity": 1, "unitPrice": 1}]}""", "/timestamp")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "soon", "lines": [{"sku": "X", "quantity": 1, "unitPrice": 1}]}""", "/timestamp")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z", "currency": "cny", "lines": [{"sku": "X", "quantity": 1, "unitPrice": 1}]}""", "/currency")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z", "currency": "RMB1", "lines": [{"sku": "X", "quantity": 1, "unitPrice": 1}]}""", "/currency")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z", "type": "refund", "lines": [{"sku": "X", "quantity": 1, "unitPrice": 1}]}""", "/type")]
    [InlineData("""{"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z", "discount": "lots", "lines": [{"sku": "X", "quantity": 1, "unitPrice": 1}]}""", "/discount")]
    public void PosOrder_BadField_PointsAtIt(string json, string pointer)
    {
        var parsed = WebhookParsers.PosOrder(Json.Parse(json), Clock.Ctx);

        Assert.False(parsed.IsValid);
        Assert.Equal([pointer], Pointers(parsed).Distinct());
    }

    [Fact]
    public void PosOrder_BadLines_PointAtTheLineAndField()
    {
        var parsed = WebhookParsers.PosOrder(Json.Parse("""
            {"orderId": "O1", "storeId": "S1", "timestamp": "2026-03-01T11:00:00Z",
             "lines": [{"quantity": 1, "unitPrice": 1}, {"sku": "X", "quantity": 1.5, "unitPrice": 1}, {"sku": "Y", "quantity": 1, "unitPrice": "free"}]}
            """), Clock.Ctx);

        Assert.Equal(["/lines/0/sku", "/lines/1/quantity", "/lines/2/unitPrice"], Pointers(parsed));
    }

    // ---- service contact ----

    [Fact]
    public void ServiceContact_Complaint_IsNamedComplaintFiled()
    {
        var raw = WebhookParsers.ServiceContact(Json.Parse("""
            {"contactId": "K1", "memberId": "M1001", "channel": "hotline", "topic": "late delivery", "complaint": true,
             "resolution": "refunded shipping", "timestamp": "2026-03-01T10:00:00Z"}
            """), Clock.Ctx).Value!;

        Assert.Equal(("svc-K1", EventType.ServiceContact, "Complaint Filed", "service"), (raw.MessageId, raw.Type, raw.Name, raw.Source));
        Assert.Equal(new ServiceContact("hotline", "late delivery", "refunded shipping", true), raw.Contact);
        Assert.Equal([new RawIdentifier(IdKind.Member, "M1001")], raw.Ids);
        Assert.Equal(T0.AddHours(-2), raw.Timestamp);
    }

    [Theory]
    [InlineData("""{"memberId": "M1"}""", IdKind.Member, "M1")]
    [InlineData("""{"phone": "13912847563"}""", IdKind.Phone, "13912847563")]
    [InlineData("""{"openid": "oAbC"}""", IdKind.OpenId, "oAbC")]
    public void ServiceContact_AnyOneIdentifier_Suffices(string idJson, IdKind kind, string value)
    {
        var body = Json.Parse(idJson[..^1] + """, "contactId": "K2", "channel": "chat", "topic": "sizing"}""");

        var raw = WebhookParsers.ServiceContact(body, Clock.Ctx).Value!;

        Assert.Equal([new RawIdentifier(kind, value)], raw.Ids);
        Assert.Equal("Service Contact", raw.Name);
        Assert.False(raw.Contact!.IsComplaint);
        Assert.Equal(T0, raw.Timestamp);
    }

    [Fact]
    public void ServiceContact_NoIdentifier_PointsAtMemberId()
    {
        var parsed = WebhookParsers.ServiceContact(Json.Parse("""{"contactId": "K3", "channel": "chat", "topic": "sizing"}"""), Clock.Ctx);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("/memberId", error.Pointer);
        Assert.Contains("openid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceContact_MissingRequiredFields_ListsEach()
    {
        var parsed = WebhookParsers.ServiceContact(Json.Parse("""{"memberId": "M1", "complaint": "yes"}"""), Clock.Ctx);

        Assert.Equal(["/channel", "/complaint", "/contactId", "/topic"], Pointers(parsed));
    }
}
