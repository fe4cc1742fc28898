using System.Text.Json;
using Lodestar.Engagement;
using Lodestar.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Api;

/// <summary>The subscription validation handshake's answer (Event Grid schema): <c>{"validationResponse": code}</c>.</summary>
public sealed record ValidationAnswer(string ValidationResponse);

/// <summary>What the feedback webhooks made of a delivery: counts, and each event's outcome (no personal data).</summary>
public sealed record EventGridResponse(int Accepted, int Duplicates, int Quarantined, int DeadLettered, int Ignored, IReadOnlyList<FeedbackItem> Items);

/// <summary>
/// <c>POST /api/webhooks/eventgrid</c> in both hosts: Azure Communication Services delivery, engagement and inbound-SMS
/// events delivered by Event Grid (Event Grid or CloudEvents schema), and the validation handshakes of both schemas.
/// Requests carry the write key (HTTP Basic), which the Event Grid subscription sends as a secret delivery property
/// header. A report Lodestar cannot place answers 200 and is kept as a dead letter: Event Grid would only retry it.
/// Malformed deliveries answer problem+json with a pointer per bad field; transient failures escape as 500 so that
/// Event Grid retries.
/// </summary>
public sealed class EventGridApi(RecordFeedback feedback, ApiSecrets secrets, TimeProvider time)
{
    /// <summary>Event Grid delivers at most 1 MB per request.</summary>
    public const long MaxBytes = 1 << 20;

    public async Task<ApiResult> Receive(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (request.ContentType is { } ct && !ct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !ct.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType(request);
        }
        if (request.ContentLength > MaxBytes)
        {
            return Problems.TooLarge(request, MaxBytes);
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
        {
            return Problems.TooLarge(request, MaxBytes);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (JsonException)
        {
            return Problems.Validation(request, [new FieldError("", "is not valid JSON")]);
        }
        using (doc)
        {
            var parsed = EventGridParser.Parse(doc.RootElement, time.GetUtcNow());
            if (!parsed.IsValid)
            {
                return Problems.Validation(request, parsed.Errors);
            }
            if (parsed.Value!.ValidationCode is { } code)
            {
                return ApiResult.Ok(new ValidationAnswer(code));
            }
            return Respond(await feedback.HandleAsync(parsed.Value.Reports, cancellationToken));
        }
    }

    /// <summary>
    /// <c>POST /api/webhooks/delivery</c>: push and mini-program delivery callbacks (<see cref="CallbackParser"/>), signed
    /// like the mini-program webhook (<see cref="Credentials.SignatureHeader"/>, HMAC-SHA256 of the raw body).
    /// </summary>
    public async Task<ApiResult> Callback(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return Problems.TooLarge(request, MaxBytes);
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
        {
            return Problems.TooLarge(request, MaxBytes);
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (Credentials.CheckSignature(request, bytes.Span, secrets.MiniProgramSecret) is { } signatureError)
        {
            return Problems.Unauthorized(request, signatureError);
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return Problems.Validation(request, [new FieldError("", "is not valid JSON")]);
        }
        using (doc)
        {
            var parsed = CallbackParser.Parse(doc.RootElement, time.GetUtcNow());
            if (!parsed.IsValid)
            {
                return Problems.Validation(request, parsed.Errors);
            }
            return Respond(await feedback.HandleAsync(parsed.Value, cancellationToken));
        }
    }

    private static ApiResult Respond(FeedbackResult result) =>
        ApiResult.Ok(new EventGridResponse(result.Count(FeedbackOutcome.Accepted), result.Count(FeedbackOutcome.Duplicate),
            result.Count(FeedbackOutcome.Quarantined), result.Count(FeedbackOutcome.DeadLettered), result.Count(FeedbackOutcome.Ignored), result.Items));

    /// <summary>
    /// The CloudEvents webhook abuse-protection handshake: an OPTIONS request naming its origin in
    /// <c>WebHook-Request-Origin</c> is allowed with <c>WebHook-Allowed-Origin</c>. It performs nothing, so it needs no key.
    /// </summary>
    public static CloudEventsHandshake Options(HttpRequest request) =>
        new(request.Headers["WebHook-Request-Origin"].ToString() is { Length: > 0 } origin ? origin : null);
}

/// <summary>The answer to a CloudEvents OPTIONS handshake: 200 with the allowed origin and rate, or 400 without an origin.</summary>
public sealed class CloudEventsHandshake(string? origin) : IResult, IActionResult
{
    public string? Origin { get; } = origin;

    public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext.Response);

    public Task ExecuteResultAsync(ActionContext context) => Write(context.HttpContext.Response);

    private Task Write(HttpResponse response)
    {
        if (Origin is null)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers["WebHook-Allowed-Origin"] = Origin;
        response.Headers["WebHook-Allowed-Rate"] = "*";
        response.Headers.Allow = "POST, OPTIONS";
        return Task.CompletedTask;
    }
}
