using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Lodestar.Events;

namespace Lodestar.Journeys;

/// <summary>
/// A test on one value (of an event, a tag or the trigger): <c>properties.category == "tea"</c>,
/// <c>properties.revenue &gt;= 100</c>. <see cref="Op"/> is one of == != &lt; &lt;= &gt; &gt;= or "exists" (then no value).
/// </summary>
public sealed record ValueMatch(string Path, string Op, double? Number, string? Text)
{
    public static readonly ImmutableArray<string> Ops = ["==", "!=", "<", "<=", ">", ">=", "exists"];

    public bool Holds(string? actual)
    {
        if (Op == "exists")
        {
            return actual is not null;
        }
        if (actual is null)
        {
            return Op == "!=";
        }
        if (Number is { } target)
        {
            if (!double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var x))
            {
                return Op == "!=";
            }
            return Op switch
            {
                "==" => x == target,
                "!=" => x != target,
                "<" => x < target,
                "<=" => x <= target,
                ">" => x > target,
                ">=" => x >= target,
                _ => false,
            };
        }
        return Op switch
        {
            "==" => string.Equals(actual, Text, StringComparison.OrdinalIgnoreCase),
            "!=" => !string.Equals(actual, Text, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }
}

/// <summary>
/// Which events a journey reacts to: by name (any of <see cref="Names"/>, case-insensitive), by type, and by values.
/// <see cref="SameKey"/> asks that the event carry the instance's business key (the same cart).
/// </summary>
public sealed record EventFilter(ImmutableArray<string> Names, EventType? Type, ImmutableArray<ValueMatch> Where, bool SameKey = false)
{
    public static EventFilter Named(params string[] names) => new([.. names], null, [], false);

    public bool Matches(CustomerEvent e, string? businessKeyPath = null, string? businessKey = null)
    {
        if (Type is { } type && e.Type != type)
        {
            return false;
        }
        if (!Names.IsDefaultOrEmpty)
        {
            var named = false;
            foreach (var n in Names)
            {
                if (string.Equals(n, e.Name, StringComparison.OrdinalIgnoreCase))
                {
                    named = true;
                    break;
                }
            }
            if (!named)
            {
                return false;
            }
        }
        if (!Where.IsDefaultOrEmpty)
        {
            foreach (var m in Where)
            {
                if (!m.Holds(EventPath.Read(e, m.Path)))
                {
                    return false;
                }
            }
        }
        return !SameKey || (businessKeyPath is not null && businessKey is not null
            && string.Equals(EventPath.Read(e, businessKeyPath), businessKey, StringComparison.Ordinal));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EventFilter, string> Descriptions = [];

    /// <summary>For step logs: "Order Completed or order_paid" (computed once per filter).</summary>
    public string Describe() => Descriptions.GetValue(this, static f => f.Names.IsDefaultOrEmpty
        ? (f.Type is { } t ? $"any {t} event" : "any event")
        : string.Join(" or ", f.Names));
}

/// <summary>
/// Reads a value of an event by a dotted path: <c>name</c>, <c>type</c>, <c>source</c>, <c>messageId</c>,
/// <c>properties.a.b</c>, <c>traits.x</c>, <c>order.id</c>, <c>order.amount</c> (major units), <c>order.currency</c>,
/// <c>contact.topic</c>, <c>contact.complaint</c>. Numbers come back in invariant text; absent values as null.
/// </summary>
public static class EventPath
{
    public static readonly ImmutableArray<string> Roots = ["name", "type", "source", "messageId", "properties.", "traits.", "order.id", "order.amount", "order.currency", "contact.topic", "contact.complaint"];

    public static bool IsValid(string path) =>
        Roots.Any(r => r.EndsWith('.') ? path.StartsWith(r, StringComparison.Ordinal) && path.Length > r.Length && !path.EndsWith('.') : path == r);

    public static string? Read(CustomerEvent e, string path)
    {
        switch (path)
        {
            case "name": return e.Name;
            case "type": return e.Type.ToString();
            case "source": return e.Source;
            case "messageId": return e.MessageId;
            case "order.id": return e.Order?.OrderId;
            case "order.amount": return e.Order is { } o ? (o.AmountMinor / 100.0).ToString(CultureInfo.InvariantCulture) : null;
            case "order.currency": return e.Order?.Currency;
            case "contact.topic": return e.Contact?.Topic;
            case "contact.complaint": return e.Contact is { } c ? (c.IsComplaint ? "true" : "false") : null;
        }
        if (path.StartsWith("traits.", StringComparison.Ordinal))
        {
            return e.Traits.GetValueOrDefault(path["traits.".Length..]);
        }
        if (!path.StartsWith("properties.", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = path.AsSpan("properties.".Length);
        var dot = rest.IndexOf('.');
        var head = dot < 0 ? rest : rest[..dot];
        if (!e.Properties.TryGetValue(head.ToString(), out var element))
        {
            return null;
        }
        while (dot >= 0)
        {
            rest = rest[(dot + 1)..];
            dot = rest.IndexOf('.');
            var name = dot < 0 ? rest : rest[..dot];
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => element.GetRawText(),
        };
    }
}
