using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Azure.Messaging.EventHubs;
using Lodestar.Cleaning;
using Lodestar.Events;

namespace Lodestar.EventHubs;

/// <summary>
/// The body of one event on the hub: <c>{"v":1,"event":{…},"findings":[…]}</c> in <see cref="DomainJson"/> form. It
/// carries a <see cref="CleanResult"/> whole, so the trigger decides exactly what the standalone host would have decided.
/// The event holds no raw personal data (see <see cref="CustomerEvent"/>), so the body may be published.
/// </summary>
/// <remarks>
/// Events stay on the hub for its retention period: a change of shape gets a new <see cref="CurrentVersion"/> and the
/// reader keeps reading the old one until no event of it can remain.
/// </remarks>
public sealed record EventEnvelope(int V, CustomerEvent Event, ImmutableArray<Finding> Findings)
{
    public const int CurrentVersion = 1;

    /// <summary>Content type set on every event the sink publishes.</summary>
    public const string ContentType = "application/json";

    public static EventEnvelope Of(CleanResult result) => new(CurrentVersion, result.Event, result.Findings);

    /// <summary>The UTF-8 JSON body of <paramref name="result"/>.</summary>
    public static byte[] Write(CleanResult result) => JsonSerializer.SerializeToUtf8Bytes(Of(result), DomainJson.Options);

    /// <summary>An event ready to send: the envelope as body, the producer's message id as <see cref="EventData.MessageId"/>.</summary>
    public static EventData ToEventData(CleanResult result) => new(Write(result))
    {
        MessageId = result.Event.MessageId,
        ContentType = ContentType,
    };

    /// <summary>Reads an event published by <see cref="ToEventData"/>; see <see cref="TryRead(ReadOnlyMemory{byte}, out CleanResult?, out string?)"/>.</summary>
    public static bool TryRead(EventData data, [NotNullWhen(true)] out CleanResult? result, [NotNullWhen(false)] out string? reason) =>
        TryRead(data.EventBody.ToMemory(), out result, out reason);

    /// <summary>
    /// Decodes a body. A body that is not an envelope of a known version with a complete event gives false and a reason
    /// fit for a log: it names the JSON path at fault and never quotes the body.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> body, [NotNullWhen(true)] out CleanResult? result, [NotNullWhen(false)] out string? reason)
    {
        result = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            reason = $"not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})";
            return false;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = $"not an envelope: the body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}";
                return false;
            }
            if (!root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version))
            {
                reason = "not an envelope: no integer \"v\"";
                return false;
            }
            if (version != CurrentVersion)
            {
                reason = $"unsupported envelope version {version}";
                return false;
            }
            EventEnvelope? envelope;
            try
            {
                envelope = root.Deserialize<EventEnvelope>(DomainJson.Options);
            }
            catch (JsonException e)
            {
                reason = $"envelope does not match version {version} at {e.Path ?? "$"}";
                return false;
            }
            reason = envelope is null ? "envelope is null" : Incomplete(envelope);
            if (reason is not null)
            {
                return false;
            }
            result = new CleanResult(WithEmptyCollections(envelope!.Event), envelope.Findings);
            return true;
        }
    }

    /// <summary>What the JSON binder lets through but the ingest use case relies on: present collections, no null items.</summary>
    private static string? Incomplete(EventEnvelope envelope)
    {
        var e = envelope.Event;
        if (e is null)
        {
            return "envelope has no event";
        }
        if (string.IsNullOrEmpty(e.MessageId))
        {
            return "event has no message id";
        }
        if (e.Ids.IsDefault || e.Ids.Any(i => i is null))
        {
            return "event ids missing or null";
        }
        if (e.Order is { } order && (order.Lines.IsDefault || order.Lines.Any(l => l is null)))
        {
            return "order lines missing or null";
        }
        if (envelope.Findings.IsDefault || envelope.Findings.Any(f => f is null))
        {
            return "findings missing or null";
        }
        return null;
    }

    /// <summary>
    /// An absent <c>properties</c> or <c>traits</c> means empty. (The source-generated reader in <see cref="DomainJson"/>
    /// sets absent init-only members to null rather than keeping their initialisers.)
    /// </summary>
    private static CustomerEvent WithEmptyCollections(CustomerEvent e) => e.Properties is not null && e.Traits is not null ? e : e with
    {
        Properties = e.Properties ?? ImmutableSortedDictionary<string, JsonElement>.Empty,
        Traits = e.Traits ?? ImmutableSortedDictionary<string, string>.Empty,
    };
}
