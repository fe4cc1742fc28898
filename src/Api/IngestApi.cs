using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Events;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Lodestar.Validation;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Api;

/// <summary>Response body of a single call: Segment's <c>success</c> plus what became of the event.</summary>
public sealed record CallResponse(bool Success, ItemResult Result);

/// <summary>A batch item that failed validation, with its index in the batch.</summary>
public sealed record RejectedItem(int Index, string? MessageId, IReadOnlyList<ProblemError> Errors);

/// <summary>Response body of a batch: valid items are accepted, invalid ones listed.</summary>
public sealed record BatchResponse(bool Success, int Accepted, int Quarantined, int Duplicates, IReadOnlyList<RejectedItem> Rejected, IReadOnlyList<ItemResult> Items);

/// <summary>
/// The ingest endpoints of both hosts: authenticate, read the body, validate (problem+json naming each bad field),
/// clean, and hand the events to the sink, answering only once they are durable.
/// </summary>
public sealed class IngestApi(IEventSink sink, Cleaner cleaner, ApiSecrets secrets, TimeProvider time, TimeSpan tenantOffset)
{
    public const long MaxCallBytes = 1 << 20;
    public const long MaxBatchBytes = 16 << 20;

    /// <summary>The Segment call types by route segment: /api/v1/{type}.</summary>
    public static readonly IReadOnlyDictionary<string, EventType> SegmentRoutes = new Dictionary<string, EventType>(StringComparer.Ordinal)
    {
        ["track"] = EventType.Track,
        ["identify"] = EventType.Identify,
        ["page"] = EventType.Page,
        ["screen"] = EventType.Screen,
        ["alias"] = EventType.Alias,
    };

    public Task<ApiResult> SegmentCall(HttpRequest request, EventType type, CancellationToken cancellationToken) =>
        Single(request, writeKey: true, (body, ctx) => SegmentParser.ParseCall(body, type, ctx), cancellationToken);

    public Task<ApiResult> PosOrder(HttpRequest request, CancellationToken cancellationToken) =>
        Single(request, writeKey: true, WebhookParsers.PosOrder, cancellationToken);

    public Task<ApiResult> ServiceContact(HttpRequest request, CancellationToken cancellationToken) =>
        Single(request, writeKey: true, WebhookParsers.ServiceContact, cancellationToken);

    public Task<ApiResult> MiniProgram(HttpRequest request, CancellationToken cancellationToken) =>
        Single(request, writeKey: false, WebhookParsers.MiniProgram, cancellationToken);

    public async Task<ApiResult> Batch(HttpRequest request, CancellationToken cancellationToken)
    {
        var (doc, failure) = await Read(request, writeKey: true, MaxBatchBytes, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        using (doc)
        {
            var ctx = Context();
            var parsed = SegmentParser.ParseBatch(doc!.RootElement, ctx);
            if (!parsed.IsValid)
            {
                return Problems.Validation(request, parsed.Errors);
            }
            var items = parsed.Value!;
            var rejected = new List<RejectedItem>();
            var valid = new List<CleanResult>();
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].IsValid)
                {
                    valid.Add(cleaner.Clean(items[i].Value!, ctx.ReceivedAt));
                }
                else
                {
                    rejected.Add(new RejectedItem(i, MessageIdOf(doc.RootElement, i), [.. items[i].Errors.Select(e => new ProblemError(e.Pointer, e.Message))]));
                }
            }
            if (valid.Count == 0)
            {
                return Problems.Validation(request, [.. items.SelectMany(v => v.Errors)]);
            }
            var results = await sink.AcceptAsync(valid, cancellationToken);
            return ApiResult.Ok(new BatchResponse(rejected.Count == 0, results.Count(r => r.Outcome == Outcome.Accepted),
                results.Count(r => r.Outcome == Outcome.Quarantined), results.Count(r => r.Outcome == Outcome.Duplicate), rejected, results));
        }
    }

    private async Task<ApiResult> Single(HttpRequest request, bool writeKey, Func<JsonElement, SourceContext, Validated<RawEvent>> parse, CancellationToken cancellationToken)
    {
        var (doc, failure) = await Read(request, writeKey, MaxCallBytes, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }
        using (doc)
        {
            var ctx = Context();
            var parsed = parse(doc!.RootElement, ctx);
            if (!parsed.IsValid)
            {
                return Problems.Validation(request, parsed.Errors);
            }
            var results = await sink.AcceptAsync([cleaner.Clean(parsed.Value!, ctx.ReceivedAt)], cancellationToken);
            return ApiResult.Ok(new CallResponse(true, results[0]));
        }
    }

    private SourceContext Context() => new(time.GetUtcNow(), tenantOffset);

    /// <summary>Authenticates and parses the body; the mini-program signature covers the raw bytes.</summary>
    private async Task<(JsonDocument? Doc, ApiResult? Failure)> Read(HttpRequest request, bool writeKey, long limit, CancellationToken cancellationToken)
    {
        if (writeKey && Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return (null, Problems.Unauthorized(request, authError));
        }
        if (request.ContentType is { } ct && !ct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !ct.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.UnsupportedMediaType(request));
        }
        if (request.ContentLength > limit)
        {
            return (null, Problems.TooLarge(request, limit));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > limit)
            {
                return (null, Problems.TooLarge(request, limit));
            }
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!writeKey && Credentials.CheckSignature(request, bytes.Span, secrets.MiniProgramSecret) is { } signatureError)
        {
            return (null, Problems.Unauthorized(request, signatureError));
        }
        try
        {
            return (JsonDocument.Parse(bytes), null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            return (null, Problems.Validation(request, [new FieldError("", $"is not valid JSON{where}")]));
        }
    }

    private static string? MessageIdOf(JsonElement root, int index)
    {
        var item = root.GetProperty("batch")[index];
        return item.ValueKind == JsonValueKind.Object && item.TryGetProperty("messageId", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
    }
}
