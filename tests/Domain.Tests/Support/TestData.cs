using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Sources;

namespace Lodestar.Tests.Support;

/// <summary>The fixed instant every test measures from, and the time of receipt the parsers and the cleaner see.</summary>
internal static class Clock
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Receipt at <see cref="T0"/>, tenant in mainland China.</summary>
    public static readonly SourceContext Ctx = new(T0, China);
}

/// <summary>A clock that stands still: the ingest use case reads "now" only through this.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>One hashing key for the whole suite, so identifiers built here equal those the cleaner builds.</summary>
internal static class Pii
{
    public static readonly PiiProtector Protector = new(Encoding.UTF8.GetBytes("lodestar-domain-tests-hmac-key-0123456789"));

    public static readonly Cleaner Cleaner = new(Protector, CleaningOptions.Default);

    public static Identifier Member(string id) => Protector.Protect(IdKind.Member, id);

    public static Identifier Anonymous(string id) => Protector.Protect(IdKind.Anonymous, id);

    public static Identifier OpenId(string id) => Protector.Protect(IdKind.OpenId, id);

    /// <summary>A phone identifier from its E.164 form (the form the cleaner hashes).</summary>
    public static Identifier Phone(string e164) => Protector.Protect(IdKind.Phone, e164);

    public static Identifier Email(string normalised) => Protector.Protect(IdKind.Email, normalised);
}

internal static class Json
{
    public static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>A property bag from a JSON object literal.</summary>
    public static ImmutableSortedDictionary<string, JsonElement> Bag(string? json) => json is null
        ? ImmutableSortedDictionary<string, JsonElement>.Empty
        : Parse(json).EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    public static ImmutableSortedDictionary<string, string> Texts(params (string Key, string Value)[] pairs) =>
        pairs.ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, DomainJson.Options);
}

/// <summary>Builders with named optional parameters: a test states only what it is about.</summary>
internal static class Build
{
    public static RawIdentifier RawMember(string id) => new(IdKind.Member, id);

    public static RawIdentifier RawPhone(string phone) => new(IdKind.Phone, phone);

    public static RawIdentifier RawEmail(string email) => new(IdKind.Email, email);

    public static RawIdentifier RawAnonymous(string id) => new(IdKind.Anonymous, id);

    public static RawEvent Raw(
        string messageId = "m-1",
        EventType type = EventType.Track,
        string? name = "Product Viewed",
        string source = "web",
        RawIdentifier[]? ids = null,
        DateTimeOffset? at = null,
        bool offsetStated = true,
        string? properties = null,
        ImmutableSortedDictionary<string, string>? traits = null,
        Order? order = null,
        ServiceContact? contact = null,
        RawIdentifier? previousId = null) => new()
    {
        MessageId = messageId,
        Type = type,
        Name = name,
        Source = source,
        Ids = [.. ids ?? [RawMember("M1001")]],
        Timestamp = at ?? Clock.T0.AddMinutes(-10),
        OffsetStated = offsetStated,
        Properties = Json.Bag(properties),
        Traits = traits ?? ImmutableSortedDictionary<string, string>.Empty,
        Order = order,
        Contact = contact,
        PreviousId = previousId,
    };

    public static Order Order(string orderId = "O1001", string currency = "CNY", bool isCancellation = false, long discountMinor = 0, params OrderLine[] lines) =>
        new(orderId, "S01", currency, [.. lines], isCancellation, discountMinor);

    public static OrderLine Line(string sku = "SKU-1", int quantity = 1, long unitPriceMinor = 1_999, string? category = "tea", int row = 0) =>
        new(sku, sku, category, quantity, unitPriceMinor, row);

    public static CustomerEvent Event(
        string messageId = "m-1",
        EventType type = EventType.Track,
        string? name = "Product Viewed",
        string source = "web",
        Identifier[]? ids = null,
        DateTimeOffset? at = null,
        string? properties = null,
        ImmutableSortedDictionary<string, string>? traits = null,
        Order? order = null,
        ServiceContact? contact = null,
        Identifier? previousId = null) => new()
    {
        MessageId = messageId,
        Type = type,
        Name = name,
        Source = source,
        Ids = [.. ids ?? [Pii.Member("M1001")]],
        Timestamp = at ?? Clock.T0,
        SourceZone = "+00:00",
        Properties = Json.Bag(properties),
        Traits = traits ?? ImmutableSortedDictionary<string, string>.Empty,
        Order = order,
        Contact = contact,
        PreviousId = previousId,
    };

    /// <summary>An event that passed cleaning with no findings.</summary>
    public static CleanResult Clean(CustomerEvent e) => new(e, []);
}
