using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lodestar.Tests.Channels.Support;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Tests.Channels.Acs;

/// <summary>
/// ACS SMS as documented for <c>POST /sms?api-version=2021-03-07</c>: checks the HMAC signature, the body schema
/// (from, smsRecipients[].to/repeatabilityRequestId/repeatabilityFirstSent, message ≤ 2048, smsSendOptions) and the
/// repeatability headers, executes each repeatability id once, and answers 202 with one result per recipient.
/// </summary>
public sealed partial class AcsSmsFake : IAsyncDisposable
{
    public enum Fault { Throttle, ServerErrorAfterAccept, Malformed, RecipientUnavailable }

    public string AccessKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public FakeService Service { get; private set; } = null!;

    /// <summary>Messages the service took, by repeatability id: what a phone would receive.</summary>
    public ConcurrentDictionary<string, string> Sent { get; } = new();

    public ConcurrentQueue<Fault> Faults { get; } = new();

    public ConcurrentDictionary<string, bool> InvalidNumbers { get; } = new();

    public string ConnectionString => $"endpoint={Service.BaseUri};accesskey={AccessKey}";

    /// <summary>When set, requests must carry <c>Authorization: Bearer</c> this token instead of the HMAC signature.</summary>
    public string? BearerToken { get; private init; }

    public static async Task<AcsSmsFake> StartAsync(X509Certificate2? tls = null, string? bearerToken = null)
    {
        var fake = new AcsSmsFake { BearerToken = bearerToken };
        fake.Service = await FakeService.StartAsync(fake.HandleAsync, tls);
        return fake;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    private async Task HandleAsync(RecordedRequest request, HttpContext context)
    {
        var problems = Check(request, out var to, out var requestId).ToList();
        foreach (var p in problems)
        {
            Service.Violation(p);
        }
        if (problems.Count > 0)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "BadRequest", message = string.Join("; ", problems) } });
            return;
        }
        Fault? fault = Faults.TryDequeue(out var next) ? next : null; // one scripted fault per request, in order
        switch (fault)
        {
            case Fault.Throttle:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsJsonAsync(new { error = new { code = "TooManyRequests", message = "Rate limit exceeded" } });
                return;
            case Fault.Malformed:
                context.Response.StatusCode = 202;
                await context.Response.WriteAsync("<html>upstream proxy error</html>");
                return;
            case Fault.RecipientUnavailable:
                await Answer(context, new JsonObject { ["to"] = to, ["httpStatusCode"] = 503, ["errorMessage"] = "ServiceUnavailable", ["successful"] = false });
                return;
        }
        if (InvalidNumbers.ContainsKey(to!))
        {
            await Answer(context, new JsonObject { ["to"] = to, ["httpStatusCode"] = 400, ["errorMessage"] = "Invalid To phone number format.", ["successful"] = false });
            return;
        }
        var messageId = Sent.GetOrAdd(requestId!, _ => "Outgoing_" + Guid.NewGuid().ToString("N"));
        if (fault == Fault.ServerErrorAfterAccept)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "InternalServerError", message = "Something went wrong" } });
            return;
        }
        await Answer(context, new JsonObject
        {
            ["to"] = to, ["messageId"] = messageId, ["httpStatusCode"] = 202, ["repeatabilityResult"] = "accepted", ["successful"] = true,
        });
    }

    private static async Task Answer(HttpContext context, JsonObject item)
    {
        context.Response.StatusCode = 202;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["value"] = new JsonArray(item) }.ToJsonString());
    }

    private IEnumerable<string> Check(RecordedRequest request, out string? to, out string? requestId)
    {
        to = null;
        requestId = null;
        var problems = new List<string>();
        if (request.Method != "POST" || !request.RawTarget.StartsWith("/sms?", StringComparison.Ordinal))
        {
            problems.Add($"expected POST /sms?…, got {request.Method} {request.RawTarget}");
        }
        if (!request.RawTarget.EndsWith("api-version=2021-03-07", StringComparison.Ordinal))
        {
            problems.Add("api-version must be 2021-03-07");
        }
        if (request.Header("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            problems.Add("Content-Type must be application/json");
        }
        if (BearerToken is null)
        {
            problems.AddRange(AcsHmacCheck.Problems(request, AccessKey));
        }
        else if (request.Header("Authorization") != "Bearer " + BearerToken)
        {
            problems.Add("Authorization must be the Entra bearer token");
        }
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            problems.Add("body is not JSON");
            return problems;
        }
        if (body?["from"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            problems.Add("from is required");
        }
        if (body?["message"]?.GetValueKind() != System.Text.Json.JsonValueKind.String || body["message"]!.GetValue<string>().Length > 2048)
        {
            problems.Add("message is required, at most 2048 characters");
        }
        if (body?["smsSendOptions"]?["enableDeliveryReport"]?.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
        {
            problems.Add("smsSendOptions.enableDeliveryReport is required when smsSendOptions is given");
        }
        if (body?["smsRecipients"] is not JsonArray recipients || recipients.Count is < 1 or > 100)
        {
            problems.Add("smsRecipients must hold 1 to 100 recipients");
            return problems;
        }
        var recipient = recipients[0]!;
        to = recipient["to"]?.GetValue<string>();
        if (to is null || !E164().IsMatch(to))
        {
            problems.Add("smsRecipients[0].to must be E.164");
        }
        requestId = recipient["repeatabilityRequestId"]?.GetValue<string>();
        var firstSent = recipient["repeatabilityFirstSent"]?.GetValue<string>();
        if (requestId is null || requestId.Length != 36 || !Guid.TryParse(requestId, out _))
        {
            problems.Add("repeatabilityRequestId must be a 36-character UUID");
        }
        if (firstSent is null || !DateTimeOffset.TryParseExact(firstSent, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            problems.Add("repeatabilityFirstSent must be an RFC 1123 date");
        }
        if (request.Header("Repeatability-Request-ID") != requestId || request.Header("Repeatability-First-Sent") != firstSent)
        {
            problems.Add("Repeatability-Request-ID / Repeatability-First-Sent headers must match the recipient's");
        }
        return problems;
    }

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
