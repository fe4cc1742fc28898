using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Identity;
using Microsoft.Extensions.Logging;

namespace Lodestar.Tests.Support;

/// <summary>Fixed instants, one hashing key, and cleaned events built the way the HTTP functions build them.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A valid mainland mobile number; it must never appear in anything published or logged.</summary>
    public const string RawPhone = "13912847563";

    public static readonly PiiProtector Pii = new(Encoding.UTF8.GetBytes("lodestar-functions-tests-hmac-key-0123456789"));

    public static readonly Cleaner Cleaner = new(Pii, CleaningOptions.Default);

    public static CleanResult Clean(RawEvent raw) => Cleaner.Clean(raw, T0);

    /// <summary>An identify call with a member id, an anonymous id and a phone in the traits.</summary>
    public static CleanResult Identify(string messageId = "m-identify-1", string member = "M1001", string anonymous = "anon-7") => Clean(new RawEvent
    {
        MessageId = messageId,
        Type = EventType.Identify,
        Source = "web",
        Ids = [new RawIdentifier(IdKind.Anonymous, anonymous), new RawIdentifier(IdKind.Member, member)],
        Timestamp = T0.AddHours(-1).ToOffset(TimeSpan.FromHours(8)),
        Traits = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [KeyValuePair.Create("phone", RawPhone), KeyValuePair.Create("gender", "f"), KeyValuePair.Create("region", "Shanghai")]),
        Properties = Bag("""{"campaign":"spring","score":4.5,"tags":["a","b"],"nested":{"x":null}}"""),
    });

    /// <summary>A store order with one good line and one impossible line (a line finding that quarantines only that line).</summary>
    public static CleanResult PosOrder(string messageId = "m-order-1", string member = "M1001") => Clean(new RawEvent
    {
        MessageId = messageId,
        Type = EventType.Order,
        Name = "Order Completed",
        Source = "pos",
        Ids = [new RawIdentifier(IdKind.Member, member)],
        Timestamp = T0.AddMinutes(-30),
        Order = new Order("O-77", "S-3", "CNY",
        [
            new OrderLine("SKU-1", "Tea", "grocery", 2, 1_250, Row: 1),
            new OrderLine("SKU-2", "Cup", "home", 0, 990, Row: 2),
        ], DiscountMinor: 200),
    });

    /// <summary>A track call with no identifier at all: quarantined by the stateless rules.</summary>
    public static CleanResult Anonymousless(string messageId = "m-noid-1") => Clean(new RawEvent
    {
        MessageId = messageId,
        Type = EventType.Track,
        Name = "Viewed",
        Source = "web",
        Timestamp = T0.AddMinutes(-5),
        Properties = Bag("""{"sku":"SKU-1"}"""),
    });

    public static ImmutableSortedDictionary<string, JsonElement> Bag(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToImmutableSortedDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    public static string Json(CleanResult r) => JsonSerializer.Serialize(new { r.Event, r.Findings }, DomainJson.Options);
}

/// <summary>A clock that stands still.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A folder that disappears with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("lodestar-functions-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine; the OS cleans temp eventually.
        }
    }
}

/// <summary>Keeps every formatted log line, to check what a log would show.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, EventId Id, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((logLevel, eventId, formatter(state, exception)));
}
