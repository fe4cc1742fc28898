using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Tests.Channels.Support;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Tests.Channels.Push;

/// <summary>
/// Notification Hubs as documented for "send a template / FCM v1 / APNs native notification": <c>POST /{hub}/messages/?api-version=2015-01</c>
/// with a SAS token (checked from the common-concepts algorithm), the format and tag headers and a body of the named
/// format; answers 201 with the notification's Location.
/// </summary>
public sealed class NotificationHubsFake : IAsyncDisposable
{
    public const string Hub = "lodestar-hub";
    public const string KeyName = "DefaultFullSharedAccessSignature";

    public enum Fault { Throttle, ServerError, BadRequest }

    public string Key { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public FakeService Service { get; private set; } = null!;

    /// <summary>Notifications taken, by id: what would fan out to devices.</summary>
    public ConcurrentDictionary<string, string> Notifications { get; } = new();

    public ConcurrentQueue<Fault> Faults { get; } = new();

    public string ConnectionString => $"Endpoint=sb://lodestar-ns.servicebus.windows.net/;SharedAccessKeyName={KeyName};SharedAccessKey={Key}";

    public static async Task<NotificationHubsFake> StartAsync()
    {
        var fake = new NotificationHubsFake();
        fake.Service = await FakeService.StartAsync(fake.HandleAsync);
        return fake;
    }

    private async Task HandleAsync(RecordedRequest request, HttpContext context)
    {
        var problems = Check(request).ToList();
        foreach (var p in problems)
        {
            Service.Violation(p);
        }
        if (problems.Count > 0)
        {
            context.Response.StatusCode = problems.Any(p => p.StartsWith("SAS", StringComparison.Ordinal)) ? 401 : 400;
            return;
        }
        Fault? fault = Faults.TryDequeue(out var next) ? next : null;
        switch (fault)
        {
            case Fault.Throttle:
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return;
            case Fault.BadRequest:
                context.Response.StatusCode = 400;
                return;
        }
        var id = Guid.NewGuid().ToString("N");
        Notifications[id] = request.Header("ServiceBusNotification-Tags")!;
        if (fault == Fault.ServerError)
        {
            context.Response.StatusCode = 500; // after fan-out began: a retry would notify twice
            return;
        }
        context.Response.StatusCode = 201;
        context.Response.Headers.Location = $"{Service.BaseUri}{Hub}/messages/{id}?api-version=2015-04";
        await context.Response.CompleteAsync();
    }

    private IEnumerable<string> Check(RecordedRequest request)
    {
        if (request.Method != "POST" || request.RawTarget != $"/{Hub}/messages/?api-version=2015-01")
        {
            yield return $"expected POST /{Hub}/messages/?api-version=2015-01, got {request.Method} {request.RawTarget}";
        }
        if (request.Header("Content-Type") != "application/json;charset=utf-8")
        {
            yield return "Content-Type must be application/json;charset=utf-8";
        }
        foreach (var p in SasProblems(request))
        {
            yield return "SAS: " + p;
        }
        var tag = request.Header("ServiceBusNotification-Tags");
        if (string.IsNullOrEmpty(tag) || tag.Length > 120 || !tag.All(c => char.IsAsciiLetterOrDigit(c) || "_@#.:-".Contains(c, StringComparison.Ordinal)))
        {
            yield return "ServiceBusNotification-Tags must be one tag";
        }
        JsonNode? body = null;
        var notJson = false;
        try
        {
            body = JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            notJson = true;
        }
        if (notJson || body is not JsonObject json)
        {
            yield return "body must be a JSON object";
            yield break;
        }
        switch (request.Header("ServiceBusNotification-Format"))
        {
            case "template":
                if (json.Any(p => p.Value?.GetValueKind() != JsonValueKind.String))
                {
                    yield return "a template notification is a JSON object with only string properties";
                }
                break;
            case "FcmV1":
                if (json["message"]?["notification"]?["body"]?.GetValueKind() != JsonValueKind.String)
                {
                    yield return "an FcmV1 notification needs message.notification.body";
                }
                if (json["message"]?["android"]?["data"] is JsonObject data && data.Any(p => p.Value?.GetValueKind() != JsonValueKind.String))
                {
                    yield return "FCM data values must be strings";
                }
                break;
            case "apple":
                if (json["aps"]?["alert"] is null)
                {
                    yield return "an apple notification needs aps.alert";
                }
                break;
            default:
                yield return "ServiceBusNotification-Format must be template, FcmV1 or apple";
                break;
        }
    }

    /// <summary>The SAS token checked as Service Bus does: sr covers the request URI, se in the future, skn known, sig verifies.</summary>
    private IEnumerable<string> SasProblems(RecordedRequest request)
    {
        var authorization = request.Header("Authorization");
        const string prefix = "SharedAccessSignature ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            yield return "Authorization must be 'SharedAccessSignature …'";
            yield break;
        }
        var fields = authorization[prefix.Length..].Split('&')
            .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("sr", out var sr) || !fields.TryGetValue("sig", out var sig)
            || !fields.TryGetValue("se", out var se) || !fields.TryGetValue("skn", out var skn))
        {
            yield return "token needs sr, sig, se and skn";
            yield break;
        }
        var requestUri = $"http://{request.Host}{request.RawTarget}";
        if (!requestUri.StartsWith(Uri.UnescapeDataString(sr), StringComparison.OrdinalIgnoreCase))
        {
            yield return "sr does not cover the request URI";
        }
        if (!long.TryParse(se, out var expiry) || DateTimeOffset.FromUnixTimeSeconds(expiry) <= DateTimeOffset.UtcNow)
        {
            yield return "se is not a future Unix time";
        }
        if (skn != KeyName)
        {
            yield return "skn is not the policy's key name";
        }
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Key));
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(sr + "\n" + se)));
        if (Uri.UnescapeDataString(sig) != expected)
        {
            yield return "sig does not verify";
        }
    }

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
