using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Tests.Channels.Support;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Tests.Channels.Acs;

/// <summary>
/// ACS email as documented for API 2025-09-01: <c>POST /emails:send</c> (HMAC, <c>Operation-Id</c>, body
/// senderAddress / recipients.to[].address / content.subject,plainText,html / headers) answered with 202,
/// <c>Operation-Location</c> and <c>retry-after</c>; <c>GET /emails/operations/{id}</c> answered with the status. One
/// operation id is executed once.
/// </summary>
public sealed class AcsEmailFake : IAsyncDisposable
{
    public enum Fault { Throttle, ServerErrorAfterAccept, UnexpectedOk, MalformedPoll, InvalidRecipient, ForeignOperationLocation }

    public string AccessKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public FakeService Service { get; private set; } = null!;

    /// <summary>Operations the service took (one email each), by operation id, with the polls they have had.</summary>
    public ConcurrentDictionary<string, int> Operations { get; } = new();

    public ConcurrentQueue<Fault> Faults { get; } = new();

    /// <summary>Polls answered Running before the final status.</summary>
    public int RunningPolls { get; set; } = 1;

    /// <summary>The final status of every operation, and its error code when it is Failed.</summary>
    public (string Status, string? ErrorCode) Final { get; set; } = ("Succeeded", null);

    public static async Task<AcsEmailFake> StartAsync()
    {
        var fake = new AcsEmailFake();
        fake.Service = await FakeService.StartAsync(fake.HandleAsync);
        return fake;
    }

    private async Task HandleAsync(RecordedRequest request, HttpContext context)
    {
        foreach (var p in AcsHmacCheck.Problems(request, AccessKey))
        {
            Service.Violation(p);
        }
        if (!request.RawTarget.EndsWith("api-version=2025-09-01", StringComparison.Ordinal))
        {
            Service.Violation("api-version must be 2025-09-01");
        }
        if (request.Method == "GET" && request.RawTarget.StartsWith("/emails/operations/", StringComparison.Ordinal))
        {
            await PollAsync(request, context);
        }
        else if (request.Method == "POST" && request.RawTarget.StartsWith("/emails:send?", StringComparison.Ordinal))
        {
            await SendAsync(request, context);
        }
        else
        {
            Service.Violation($"unexpected {request.Method} {request.RawTarget}");
            context.Response.StatusCode = 404;
        }
    }

    private async Task SendAsync(RecordedRequest request, HttpContext context)
    {
        var problems = CheckSend(request).ToList();
        foreach (var p in problems)
        {
            Service.Violation(p);
        }
        if (problems.Count > 0)
        {
            await Error(context, 400, "BadRequest");
            return;
        }
        var operationId = request.Header("Operation-Id")!;
        Fault? fault = Faults.TryDequeue(out var next) ? next : null;
        switch (fault)
        {
            case Fault.Throttle:
                context.Response.Headers.RetryAfter = "1";
                await Error(context, 429, "TooManyRequests");
                return;
            case Fault.UnexpectedOk:
                context.Response.StatusCode = 200;
                await context.Response.WriteAsync("<html>captive portal</html>");
                return;
            case Fault.InvalidRecipient:
                await Error(context, 400, "InvalidRecipientAddress");
                return;
        }
        Operations.TryAdd(operationId, 0);
        if (fault == Fault.ServerErrorAfterAccept)
        {
            await Error(context, 500, "InternalServerError");
            return;
        }
        context.Response.StatusCode = 202;
        context.Response.Headers["Operation-Location"] = fault == Fault.ForeignOperationLocation
            ? $"https://collector.example.net/emails/operations/{operationId}?api-version=2025-09-01"
            : $"{Service.BaseUri}emails/operations/{operationId}?api-version=2025-09-01";
        context.Response.Headers["retry-after"] = "0";
        await context.Response.WriteAsJsonAsync(new { id = operationId, status = "Running" });
        if (fault == Fault.MalformedPoll)
        {
            Faults.Enqueue(Fault.MalformedPoll); // for the poll that follows
        }
    }

    private async Task PollAsync(RecordedRequest request, HttpContext context)
    {
        if (request.Body.Length != 0)
        {
            Service.Violation("a poll has no body");
        }
        var id = request.RawTarget["/emails/operations/".Length..request.RawTarget.IndexOf('?', StringComparison.Ordinal)];
        if (!Operations.TryGetValue(id, out var polls))
        {
            await Error(context, 404, "NotFound");
            return;
        }
        if (Faults.TryPeek(out var fault) && fault == Fault.MalformedPoll && Faults.TryDequeue(out _))
        {
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("{\"id\": 42");
            return;
        }
        Operations[id] = polls + 1;
        if (polls < RunningPolls)
        {
            context.Response.Headers["retry-after"] = "0";
            await context.Response.WriteAsJsonAsync(new { id, status = "Running" });
            return;
        }
        var result = new JsonObject { ["id"] = id, ["status"] = Final.Status };
        if (Final.ErrorCode is { } code)
        {
            result["error"] = new JsonObject { ["code"] = code, ["message"] = "Email was dropped after several attempts to deliver." };
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(result.ToJsonString());
    }

    private static IEnumerable<string> CheckSend(RecordedRequest request)
    {
        if (request.Header("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            yield return "Content-Type must be application/json";
        }
        var operationId = request.Header("Operation-Id");
        if (operationId is null || !Guid.TryParse(operationId, out _))
        {
            yield return "Operation-Id must be a UUID";
        }
        if (request.Header("Repeatability-Request-ID") is not { } rid || !Guid.TryParse(rid, out _)
            || request.Header("Repeatability-First-Sent") is not { } first
            || !DateTimeOffset.TryParseExact(first, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            yield return "Repeatability-Request-ID (UUID) and Repeatability-First-Sent (RFC 1123) are required for a safe retry";
        }
        JsonNode? body = null;
        string? parseError = null;
        try
        {
            body = JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            parseError = "body is not JSON";
        }
        if (parseError is not null)
        {
            yield return parseError;
            yield break;
        }
        if (body?["senderAddress"]?.GetValueKind() != JsonValueKind.String)
        {
            yield return "senderAddress is required";
        }
        if (body?["recipients"]?["to"] is not JsonArray to || to.Count == 0 || to.Any(t => t?["address"]?.GetValueKind() != JsonValueKind.String))
        {
            yield return "recipients.to[] with an address is required";
        }
        if (body?["content"]?["subject"]?.GetValueKind() != JsonValueKind.String)
        {
            yield return "content.subject is required";
        }
        if (body?["content"]?["plainText"] is null && body?["content"]?["html"] is null)
        {
            yield return "content needs plainText or html";
        }
        if (body?["headers"] is JsonObject headers && headers.Any(h => h.Value?.GetValueKind() != JsonValueKind.String))
        {
            yield return "headers values must be strings";
        }
    }

    private static async Task Error(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-error-code"] = code;
        await context.Response.WriteAsJsonAsync(new { error = new { code, message = "see code" } });
    }

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
