using Lodestar.Customers;
using Lodestar.Journeys;
using Lodestar.Messaging;

namespace Lodestar.Tests.Channels.Support;

public static class Messages
{
    /// <summary>A fixed instant: the first attempt of every test message.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 30, 15, TimeSpan.Zero);

    public static readonly CustomerId Customer = CustomerId.DerivedFrom("test:customer");

    public static OutboundMessage Sms(string to = "+8613800138000", string messageId = "journey-1/node-2/0", string text = "Your coupon WELCOME10 expires Sunday") =>
        new(messageId, Channel.Sms, Customer, to, new MessageContent(text), Transactional: false, T0, "spring", "coupon-sms");

    public static OutboundMessage Email(string to = "li.na@example.com", string messageId = "journey-1/node-3/0", string? subject = "Spring offers") =>
        new(messageId, Channel.Email, Customer, to,
            new MessageContent("Plain spring offers", Subject: subject, Html: "<p>Spring offers</p>"), Transactional: false, T0);

    public static OutboundMessage Push(string tag = "customer:c_0123456789abcdef", string messageId = "journey-1/node-4/0") =>
        new(messageId, Channel.Push, Customer, tag,
            new MessageContent("Your basket misses you", Title: "Still thinking?", Data: new Dictionary<string, string> { ["deeplink"] = "app://basket" }),
            Transactional: false, T0);

    public static OutboundMessage MiniProgram(string openId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", string messageId = "journey-1/node-5/0") =>
        new(messageId, Channel.MiniProgram, Customer, openId,
            new MessageContent("Order shipped", ProviderTemplate: "tmpl-order-shipped",
                Data: new Dictionary<string, string> { ["thing1"] = "Order 1042", ["date2"] = "2026-11-20" }, Page: "pages/order/index"),
            Transactional: true, T0);
}
