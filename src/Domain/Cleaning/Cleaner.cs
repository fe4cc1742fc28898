using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Identity;

namespace Lodestar.Cleaning;

/// <summary>
/// The stateless cleaning rules: format unification, PII protection and the record-level checks. Every rule that
/// fires leaves a <see cref="Finding"/> with its reason code; nothing is dropped silently. Duplicate detection needs
/// the store and happens at ingest.
/// </summary>
public sealed class Cleaner(PiiProtector pii, CleaningOptions options)
{
    private static readonly string[] PersonalKeys = ["phone", "mobile", "email", "idNumber", "id_number", "nationalId"];
    private static readonly string[] NameKeys = ["name", "firstName", "lastName", "first_name", "last_name"];
    private static readonly string[] DroppedKeys = ["address", "street", "password"];
    private static readonly string[] RegionKeys = ["region", "province", "city"];
    private static readonly string[] TestDomains = ["example.com", "example.org", "test.com", "mailinator.com"];

    public CleanResult Clean(RawEvent raw, DateTimeOffset now)
    {
        var findings = ImmutableArray.CreateBuilder<Finding>();
        var rawIds = raw.Ids.ToList();
        var traits = raw.Traits.ToBuilder();
        var properties = raw.Properties.ToBuilder();
        LiftPersonalFields(traits, properties, rawIds);

        var ids = ProtectIdentifiers(rawIds, findings);
        var previous = raw.PreviousId is null ? null : ProtectIdentifiers([raw.PreviousId], findings).FirstOrDefault();

        CheckIdentity(raw, ids, previous, findings);
        CheckTestRecord(raw, rawIds, properties, findings);
        CheckTimestamp(raw, now, findings);
        CodeRegions(traits, findings);
        CheckAmounts(properties, findings);
        var order = raw.Order is null ? null : CleanOrder(raw.Order, findings);

        var cleaned = new CustomerEvent
        {
            MessageId = raw.MessageId,
            Type = raw.Type,
            Name = raw.Name,
            Source = raw.Source,
            Ids = ids,
            Timestamp = raw.Timestamp.ToUniversalTime(),
            SourceZone = FormatOffset(raw.Timestamp.Offset),
            Properties = properties.ToImmutable(),
            Traits = traits.ToImmutable(),
            Order = order,
            Contact = raw.Contact,
            PreviousId = previous,
        };
        return new CleanResult(cleaned, findings.ToImmutable());
    }

    /// <summary>Moves phone/email/id fields out of traits and properties into identifiers; masks names; drops addresses.</summary>
    private static void LiftPersonalFields(
        ImmutableSortedDictionary<string, string>.Builder traits,
        ImmutableSortedDictionary<string, JsonElement>.Builder properties,
        List<RawIdentifier> ids)
    {
        foreach (var key in PersonalKeys)
        {
            var kind = key switch { "phone" or "mobile" => IdKind.Phone, "email" => IdKind.Email, _ => IdKind.NationalId };
            if (traits.Remove(key, out var t) && !string.IsNullOrWhiteSpace(t))
            {
                ids.Add(new RawIdentifier(kind, t));
            }
            if (properties.Remove(key, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } s)
            {
                ids.Add(new RawIdentifier(kind, s));
            }
        }
        foreach (var key in NameKeys)
        {
            if (traits.TryGetValue(key, out var name) && name.Length > 0)
            {
                traits[key] = name[..1] + "*";
            }
            properties.Remove(key);
        }
        foreach (var key in DroppedKeys)
        {
            traits.Remove(key);
            properties.Remove(key);
        }
    }

    private ImmutableArray<Identifier> ProtectIdentifiers(List<RawIdentifier> rawIds, ImmutableArray<Finding>.Builder findings)
    {
        var result = ImmutableArray.CreateBuilder<Identifier>();
        // Another identifier, or another phone that is itself valid, still ties the record to a customer.
        var hasOther = rawIds.Any(r => !string.IsNullOrWhiteSpace(r.Value)
            && (r.Kind != IdKind.Phone || ChinaMobile.Check(r.Value.Trim(), out _) == ChinaMobile.Verdict.Valid));
        foreach (var id in rawIds)
        {
            var value = id.Value.Trim();
            if (value.Length == 0)
            {
                continue;
            }
            switch (id.Kind)
            {
                case IdKind.Phone:
                    var verdict = ChinaMobile.Check(value, out var e164);
                    if (verdict != ChinaMobile.Verdict.Valid)
                    {
                        // A fake number is removed; the record is kept when another identifier still ties it to a customer.
                        findings.Add(new Finding(Reasons.FakePhone, Quarantines: !hasOther,
                            verdict == ChinaMobile.Verdict.Fake ? "placeholder, repeated or sequential digits" : "not a mainland-China mobile number"));
                        continue;
                    }
                    if (e164 != value)
                    {
                        findings.Add(new Finding(Reasons.PhoneNormalised, false, "to E.164"));
                    }
                    value = e164;
                    break;
                case IdKind.Email:
                    value = value.ToLowerInvariant();
                    break;
                case IdKind.NationalId:
                    value = value.ToUpperInvariant();
                    break;
            }
            var protectedId = pii.Protect(id.Kind, value);
            if (!result.Contains(protectedId))
            {
                result.Add(protectedId);
            }
        }
        return result.ToImmutable();
    }

    private static void CheckIdentity(RawEvent raw, ImmutableArray<Identifier> ids, Identifier? previous, ImmutableArray<Finding>.Builder findings)
    {
        if (!ids.IsEmpty || findings.Any(f => f.Code == Reasons.FakePhone))
        {
            return;
        }
        var empty = raw.Name is null && raw.Order is null && raw.Contact is null && raw.Properties.IsEmpty && raw.Traits.IsEmpty && previous is null;
        findings.Add(empty
            ? new Finding(Reasons.EmptyRecord, true, "no identifier and no content")
            : new Finding(Reasons.MissingIdentity, true, "no identifier ties the record to a customer"));
    }

    private static void CheckTestRecord(RawEvent raw, List<RawIdentifier> rawIds, ImmutableSortedDictionary<string, JsonElement>.Builder properties, ImmutableArray<Finding>.Builder findings)
    {
        var flagged = properties.TryGetValue("test", out var t) && t.ValueKind == JsonValueKind.True;
        flagged |= raw.Name is { } n && (n.Equals("test", StringComparison.OrdinalIgnoreCase) || n.StartsWith("test_", StringComparison.OrdinalIgnoreCase));
        foreach (var id in rawIds)
        {
            var v = id.Value.Trim().ToLowerInvariant();
            flagged |= id.Kind switch
            {
                IdKind.Email => v.StartsWith("test", StringComparison.Ordinal) || TestDomains.Any(d => v.EndsWith("@" + d, StringComparison.Ordinal)),
                IdKind.Member or IdKind.OpenId or IdKind.UnionId => v is "test" or "demo" || v.StartsWith("test_", StringComparison.Ordinal) || v.StartsWith("test-", StringComparison.Ordinal),
                _ => false,
            };
        }
        if (flagged)
        {
            findings.Add(new Finding(Reasons.TestRecord, true, "test marker in identifiers, name or properties"));
        }
    }

    private void CheckTimestamp(RawEvent raw, DateTimeOffset now, ImmutableArray<Finding>.Builder findings)
    {
        if (raw.Timestamp > now + options.FutureSkew)
        {
            findings.Add(new Finding(Reasons.FutureTimestamp, true, $"{raw.Timestamp:O} is after the time of receipt"));
        }
        else if (raw.Timestamp < options.BusinessStart)
        {
            findings.Add(new Finding(Reasons.BeforeBusinessStart, true, $"{raw.Timestamp:O} is before {options.BusinessStart:yyyy-MM-dd}"));
        }
        if (!raw.OffsetStated)
        {
            findings.Add(new Finding(Reasons.TimestampToUtc, false, $"local time read in the tenant zone {FormatOffset(raw.Timestamp.Offset)}"));
        }
    }

    private static void CodeRegions(ImmutableSortedDictionary<string, string>.Builder traits, ImmutableArray<Finding>.Builder findings)
    {
        foreach (var key in RegionKeys)
        {
            if (traits.TryGetValue(key, out var name) && RegionCodes.Find(name) is { } code && code != name)
            {
                traits[key] = code;
                findings.Add(new Finding(Reasons.RegionCoded, false, $"{key} to GB/T 2260 {code}"));
            }
        }
    }

    private void CheckAmounts(ImmutableSortedDictionary<string, JsonElement>.Builder properties, ImmutableArray<Finding>.Builder findings)
    {
        foreach (var key in new[] { "revenue", "price", "total", "value" })
        {
            if (properties.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.Number
                && (v.GetDouble() < 0 || v.GetDouble() * 100 > options.MaxLineAmountMinor))
            {
                findings.Add(new Finding(Reasons.ImpossibleAmount, true, $"properties.{key} = {v.GetRawText()}"));
            }
        }
    }

    private Order CleanOrder(Order order, ImmutableArray<Finding>.Builder findings)
    {
        // Returns say so (POS type "return"); invoice exports mark cancellations with a C prefix. Negative lines on an
        // ordinary order are stock write-offs, not returns: the quantity rule catches them.
        var cancellation = order.IsCancellation || order.OrderId.StartsWith('C');
        if (cancellation)
        {
            findings.Add(new Finding(Reasons.Cancellation, false, $"order {order.OrderId} cancels or returns goods"));
        }
        var kept = ImmutableArray.CreateBuilder<OrderLine>(order.Lines.Length);
        var seen = new HashSet<OrderLine>();
        for (var i = 0; i < order.Lines.Length; i++)
        {
            var line = order.Lines[i];
            var lineRef = line.Row > 0 ? line.Row : i;
            var reasons = LineReasons(line, cancellation).ToList();
            if (!seen.Add(line with { Row = 0 }))
            {
                reasons.Add((Reasons.DuplicateContent, $"line {lineRef} repeats an earlier line of order {order.OrderId}"));
            }
            foreach (var (code, detail) in reasons)
            {
                findings.Add(new Finding(code, true, detail, lineRef));
            }
            if (reasons.Count == 0)
            {
                kept.Add(cancellation ? line with { Quantity = Math.Abs(line.Quantity) } : line);
            }
        }
        return order with { Lines = kept.ToImmutable(), IsCancellation = cancellation };
    }

    private IEnumerable<(string Code, string Detail)> LineReasons(OrderLine line, bool cancellation)
    {
        if ((line.Quantity <= 0 && !cancellation) || Math.Abs(line.Quantity) > options.MaxQuantity)
        {
            yield return (Reasons.ImpossibleQuantity, $"quantity {line.Quantity} of {line.Sku}");
        }
        if (line.UnitPriceMinor < 0 || Math.Abs(line.AmountMinor) > options.MaxLineAmountMinor)
        {
            yield return (Reasons.ImpossibleAmount, $"unit price {line.UnitPriceMinor} of {line.Sku}");
        }
        else if (line.UnitPriceMinor == 0)
        {
            yield return (Reasons.ZeroPrice, $"zero unit price of {line.Sku}");
        }
    }

    private static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);
}
