using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Sources;
using Lodestar.Validation;

namespace Lodestar.Simulation;

/// <summary>
/// One request of the synthetic shop: the route it is POSTed to, the JSON body exactly as a client sends it, and the
/// reason codes (<see cref="Reasons"/>) the cleaning rules and the ingest use case should report for it, sorted.
/// A clean record has no quarantine code in <see cref="Truth"/>, though it may expect a repair (e.g. region_coded).
/// </summary>
public sealed record SyntheticRecord(string Route, string Body, ImmutableArray<string> Truth);

/// <summary>The HTTP routes of the ingest API and the parser behind each, as the hosts wire them.</summary>
public static class IngestRoutes
{
    public const string Track = "/api/v1/track";
    public const string Identify = "/api/v1/identify";
    public const string Page = "/api/v1/page";
    public const string Screen = "/api/v1/screen";
    public const string Alias = "/api/v1/alias";
    public const string MiniProgram = "/api/webhooks/miniprogram";
    public const string Pos = "/api/webhooks/pos";
    public const string Service = "/api/webhooks/service";

    public static readonly ImmutableArray<string> All = [Track, Identify, Page, Screen, Alias, MiniProgram, Pos, Service];

    /// <summary>Parses a body with the parser the HTTP API uses for <paramref name="route"/>.</summary>
    public static Validated<RawEvent> Parse(string route, JsonElement body, SourceContext context) => route switch
    {
        Track => SegmentParser.ParseCall(body, EventType.Track, context),
        Identify => SegmentParser.ParseCall(body, EventType.Identify, context),
        Page => SegmentParser.ParseCall(body, EventType.Page, context),
        Screen => SegmentParser.ParseCall(body, EventType.Screen, context),
        Alias => SegmentParser.ParseCall(body, EventType.Alias, context),
        MiniProgram => WebhookParsers.MiniProgram(body, context),
        Pos => WebhookParsers.PosOrder(body, context),
        Service => WebhookParsers.ServiceContact(body, context),
        _ => throw new ArgumentException($"unknown route {route}", nameof(route)),
    };

    public static Validated<RawEvent> Parse(string route, string body, SourceContext context)
    {
        using var document = JsonDocument.Parse(body);
        return Parse(route, document.RootElement, context);
    }
}
