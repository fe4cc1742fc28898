using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Tests.Channels.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Lodestar.Tests.Channels.MiniProgram;

/// <summary>
/// The WeChat-style server API: <c>GET /cgi-bin/token?grant_type=client_credential&amp;appid=&amp;secret=</c> and
/// <c>POST /cgi-bin/stable_token</c> issue access tokens; <c>POST /cgi-bin/message/subscribe/send?access_token=</c>
/// checks the token and the documented body (touser, template_id, page, data{key:{value}}, miniprogram_state, lang)
/// and answers HTTP 200 with errcode/errmsg/msgid, as the real API does.
/// </summary>
public sealed class WeChatFake : IAsyncDisposable
{
    public const string AppId = "wx1234567890abcdef";
    public string Secret { get; } = Guid.NewGuid().ToString("N");

    private readonly Lock gate = new();
    private string? validToken;
    private int tokenCounter;
    private long msgCounter = 1988810812324364291;

    public FakeService Service { get; private set; } = null!;

    public int ExpiresIn { get; set; } = 7200;

    /// <summary>How long the token endpoints take: makes concurrent callers overlap.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

    /// <summary>When set, every send answers 40001 whatever the token.</summary>
    public bool RejectAllTokens { get; set; }

    public ConcurrentDictionary<string, int> ErrCodeFor { get; } = new();

    public ConcurrentQueue<string> RawAnswers { get; } = new();

    public int TokenFetches => Service.Requests.Count(r => r.RawTarget.StartsWith("/cgi-bin/token", StringComparison.Ordinal) || r.RawTarget.StartsWith("/cgi-bin/stable_token", StringComparison.Ordinal));

    public IEnumerable<RecordedRequest> Sends => Service.Requests.Where(r => r.RawTarget.StartsWith("/cgi-bin/message/subscribe/send", StringComparison.Ordinal));

    public ConcurrentDictionary<long, string> Delivered { get; } = new();

    public static async Task<WeChatFake> StartAsync()
    {
        var fake = new WeChatFake();
        fake.Service = await FakeService.StartAsync(fake.HandleAsync);
        return fake;
    }

    /// <summary>The server forgets the current token (it expired, or another caller of /cgi-bin/token replaced it).</summary>
    public void ExpireToken()
    {
        lock (gate)
        {
            validToken = null;
        }
    }

    private async Task HandleAsync(RecordedRequest request, HttpContext context)
    {
        var path = request.RawTarget.Split('?')[0];
        var query = QueryHelpers.ParseQuery(request.RawTarget.Contains('?', StringComparison.Ordinal) ? request.RawTarget[request.RawTarget.IndexOf('?', StringComparison.Ordinal)..] : "");
        switch (request.Method, path)
        {
            case ("GET", "/cgi-bin/token"):
                if (query["grant_type"] != "client_credential" || query["appid"] != AppId || query["secret"] != Secret)
                {
                    Service.Violation("token: grant_type=client_credential, appid and secret are required");
                    await Json(context, new JsonObject { ["errcode"] = 40125, ["errmsg"] = "invalid appsecret" });
                    return;
                }
                await IssueAsync(context, forceRefresh: true);
                return;
            case ("POST", "/cgi-bin/stable_token"):
                var body = TryParse(request.Body);
                if (body?["grant_type"]?.GetValue<string>() != "client_credential" || body["appid"]?.GetValue<string>() != AppId
                    || body["secret"]?.GetValue<string>() != Secret
                    || body["force_refresh"] is { } force && force.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Service.Violation("stable_token: grant_type, appid, secret (and a boolean force_refresh) are required");
                    await Json(context, new JsonObject { ["errcode"] = 40125, ["errmsg"] = "invalid appsecret" });
                    return;
                }
                await IssueAsync(context, forceRefresh: body["force_refresh"]?.GetValue<bool>() == true);
                return;
            case ("POST", "/cgi-bin/message/subscribe/send"):
                await SendAsync(request, query["access_token"].ToString(), context);
                return;
            default:
                Service.Violation($"unexpected {request.Method} {request.RawTarget}");
                context.Response.StatusCode = 404;
                return;
        }
    }

    private async Task IssueAsync(HttpContext context, bool forceRefresh)
    {
        await Task.Delay(TokenDelay);
        string token;
        lock (gate)
        {
            if (forceRefresh || validToken is null)
            {
                validToken = $"ACCESS_TOKEN_{++tokenCounter}_{Guid.NewGuid():N}";
            }
            token = validToken;
        }
        await Json(context, new JsonObject { ["access_token"] = token, ["expires_in"] = ExpiresIn });
    }

    private async Task SendAsync(RecordedRequest request, string token, HttpContext context)
    {
        if (RawAnswers.TryDequeue(out var raw))
        {
            await context.Response.WriteAsync(raw);
            return;
        }
        bool valid;
        lock (gate)
        {
            valid = token == validToken && !RejectAllTokens;
        }
        if (!valid)
        {
            await Json(context, new JsonObject { ["errcode"] = validToken is null ? 42001 : 40001, ["errmsg"] = "access_token expired or invalid rid: 1" });
            return;
        }
        var body = TryParse(request.Body);
        var problems = new List<string>();
        if (request.Header("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            problems.Add("Content-Type must be application/json");
        }
        if (body?["touser"]?.GetValueKind() != JsonValueKind.String)
        {
            problems.Add("touser is required");
        }
        if (body?["template_id"]?.GetValueKind() != JsonValueKind.String)
        {
            problems.Add("template_id is required");
        }
        if (body?["data"] is not JsonObject data || data.Any(p => p.Value?["value"]?.GetValueKind() != JsonValueKind.String))
        {
            problems.Add("data must map each key to {\"value\": string}");
        }
        if (body?["page"] is { } page && page.GetValueKind() != JsonValueKind.String)
        {
            problems.Add("page must be a string");
        }
        if (body?["miniprogram_state"]?.GetValue<string>() is not ("developer" or "trial" or "formal"))
        {
            problems.Add("miniprogram_state must be developer, trial or formal");
        }
        if (body?["lang"]?.GetValue<string>() is not ("zh_CN" or "en_US" or "zh_HK" or "zh_TW"))
        {
            problems.Add("lang must be zh_CN, en_US, zh_HK or zh_TW");
        }
        foreach (var p in problems)
        {
            Service.Violation(p);
        }
        if (problems.Count > 0)
        {
            await Json(context, new JsonObject { ["errcode"] = 47003, ["errmsg"] = "argument invalid!" });
            return;
        }
        var touser = body!["touser"]!.GetValue<string>();
        if (ErrCodeFor.TryGetValue(touser, out var code))
        {
            await Json(context, new JsonObject { ["errcode"] = code, ["errmsg"] = "scripted" });
            return;
        }
        var msgId = Interlocked.Increment(ref msgCounter);
        Delivered[msgId] = touser;
        await Json(context, new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["msgid"] = msgId });
    }

    private static JsonNode? TryParse(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task Json(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json; encoding=utf-8";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    public ValueTask DisposeAsync() => Service.DisposeAsync();
}
