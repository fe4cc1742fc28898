using System.Collections.Immutable;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Validation;
using System.Text.Json;

namespace Lodestar.Sources;

/// <summary>The store, mini-program and customer-service systems' webhooks.</summary>
public static class WebhookParsers
{
    /// <summary>
    /// A WeChat-style mini-program event: <c>openid</c> (required), <c>unionid</c>, <c>event</c> (required),
    /// <c>properties</c>, <c>timestamp</c>, <c>messageId</c>.
    /// </summary>
    public static Validated<RawEvent> MiniProgram(JsonElement body, SourceContext ctx)
    {
        var errors = new List<FieldError>();
        var f = new JsonFields(body, "", errors);
        if (!f.IsObject)
        {
            return Validated<RawEvent>.Fail([new FieldError("", "must be a JSON object")]);
        }
        var openId = f.String("openid", required: true);
        var unionId = f.String("unionid");
        var name = f.String("event", required: true);
        var properties = f.Object("properties");
        var at = f.Timestamp("timestamp", ctx.TenantOffset, out var stated);
        var messageId = f.String("messageId", maxLength: 100);
        if (errors.Count > 0)
        {
            return Validated<RawEvent>.Fail(errors);
        }
        var ids = ImmutableArray.Create(new RawIdentifier(IdKind.OpenId, openId!));
        return Validated<RawEvent>.Ok(new RawEvent
        {
            MessageId = messageId ?? SegmentParser.DerivedMessageId(body),
            Type = name is "page_view" or "pageview" ? EventType.Page : EventType.Track,
            Name = name,
            Source = "miniprogram",
            Ids = unionId is null ? ids : ids.Add(new RawIdentifier(IdKind.UnionId, unionId)),
            Timestamp = at ?? ctx.ReceivedAt,
            OffsetStated = stated,
            Properties = properties?.Bag() ?? ImmutableSortedDictionary<string, JsonElement>.Empty,
        });
    }

    /// <summary>
    /// A store/POS order: <c>orderId</c>, <c>storeId</c>, <c>memberId</c> and/or <c>phone</c>, <c>timestamp</c>,
    /// <c>currency</c> (default CNY), <c>type</c> sale|return, <c>discount</c>, <c>lines</c> [{sku, name, category,
    /// quantity, unitPrice}]. The message id is derived from store and order, so a resent order is not counted twice.
    /// </summary>
    public static Validated<RawEvent> PosOrder(JsonElement body, SourceContext ctx)
    {
        var errors = new List<FieldError>();
        var f = new JsonFields(body, "", errors);
        if (!f.IsObject)
        {
            return Validated<RawEvent>.Fail([new FieldError("", "must be a JSON object")]);
        }
        var orderId = f.String("orderId", required: true);
        var storeId = f.String("storeId", required: true);
        var memberId = f.String("memberId");
        var phone = f.String("phone");
        var at = f.Timestamp("timestamp", ctx.TenantOffset, out var stated);
        if (at is null && !f.Has("timestamp"))
        {
            f.Fail("timestamp", "is required");
        }
        var currency = f.String("currency") ?? "CNY";
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            f.Fail("currency", "must be an ISO 4217 code such as CNY");
        }
        var type = f.String("type") ?? "sale";
        if (type is not ("sale" or "return"))
        {
            f.Fail("type", "must be sale or return");
        }
        var discount = f.Number("discount") ?? 0;
        var lines = ImmutableArray.CreateBuilder<OrderLine>();
        var lineFields = f.Array("lines", required: true).ToList();
        if (f.Has("lines") && lineFields.Count == 0)
        {
            f.Fail("lines", "must hold at least one line");
        }
        foreach (var l in lineFields)
        {
            var sku = l.String("sku", required: true);
            var quantity = l.Number("quantity", required: true);
            var price = l.Number("unitPrice", required: true);
            if (quantity is not null && quantity != decimal.Truncate(quantity.Value))
            {
                l.Fail("quantity", "must be a whole number");
            }
            if (sku is not null && quantity is not null && price is not null && errors.Count == 0)
            {
                lines.Add(new OrderLine(sku, l.String("name"), l.String("category"), (int)Math.Clamp(quantity.Value, int.MinValue, int.MaxValue),
                    Money.ToMinor(price.Value, currency)));
            }
        }
        if (errors.Count > 0)
        {
            return Validated<RawEvent>.Fail(errors);
        }
        var ids = ImmutableArray.CreateBuilder<RawIdentifier>();
        if (memberId is not null)
        {
            ids.Add(new RawIdentifier(IdKind.Member, memberId));
        }
        if (phone is not null)
        {
            ids.Add(new RawIdentifier(IdKind.Phone, phone));
        }
        return Validated<RawEvent>.Ok(new RawEvent
        {
            MessageId = $"pos-{storeId}-{orderId}",
            Type = EventType.Order,
            Name = type == "return" ? "Order Refunded" : "Order Completed",
            Source = "pos",
            Ids = ids.ToImmutable(),
            Timestamp = at!.Value,
            OffsetStated = stated,
            Order = new Order(orderId!, storeId, currency, lines.ToImmutable(), type == "return", Money.ToMinor(discount, currency)),
        });
    }

    /// <summary>
    /// A customer-service contact: <c>contactId</c>, <c>memberId</c>/<c>phone</c>/<c>openid</c>, <c>channel</c>,
    /// <c>topic</c>, <c>resolution</c>, <c>complaint</c>, <c>timestamp</c>.
    /// </summary>
    public static Validated<RawEvent> ServiceContact(JsonElement body, SourceContext ctx)
    {
        var errors = new List<FieldError>();
        var f = new JsonFields(body, "", errors);
        if (!f.IsObject)
        {
            return Validated<RawEvent>.Fail([new FieldError("", "must be a JSON object")]);
        }
        var contactId = f.String("contactId", required: true);
        var memberId = f.String("memberId");
        var phone = f.String("phone");
        var openId = f.String("openid");
        var channel = f.String("channel", required: true);
        var topic = f.String("topic", required: true);
        var resolution = f.String("resolution");
        var complaint = f.Bool("complaint") ?? false;
        var at = f.Timestamp("timestamp", ctx.TenantOffset, out var stated);
        if (memberId is null && phone is null && openId is null)
        {
            f.Fail("memberId", "one of memberId, phone or openid is required");
        }
        if (errors.Count > 0)
        {
            return Validated<RawEvent>.Fail(errors);
        }
        var ids = new[] { (IdKind.Member, memberId), (IdKind.Phone, phone), (IdKind.OpenId, openId) }
            .Where(p => p.Item2 is not null).Select(p => new RawIdentifier(p.Item1, p.Item2!)).ToImmutableArray();
        return Validated<RawEvent>.Ok(new RawEvent
        {
            MessageId = $"svc-{contactId}",
            Type = EventType.ServiceContact,
            Name = complaint ? "Complaint Filed" : "Service Contact",
            Source = "service",
            Ids = ids,
            Timestamp = at ?? ctx.ReceivedAt,
            OffsetStated = stated,
            Contact = new ServiceContact(channel!, topic!, resolution, complaint),
        });
    }
}
