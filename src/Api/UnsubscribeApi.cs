using System.Net;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Engagement;
using Lodestar.Journeys;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Api;

/// <summary>
/// Unsubscribe links in messages: <c>GET /api/unsubscribe?token=…</c> withdraws marketing consent for the token's
/// customer and channel at once and answers a small page (Chinese and English); <c>POST</c> does the same for one-click
/// unsubscribe (RFC 8058, <c>List-Unsubscribe-Post</c>). The signed token is the only credential. The page is both an
/// ASP.NET Core result and an MVC action result, so both hosts return it as is.
/// </summary>
public sealed class UnsubscribeApi(RecordFeedback feedback, UnsubscribeTokens tokens, TimeProvider time)
{
    public async Task<HtmlPage> Unsubscribe(HttpRequest request, CancellationToken cancellationToken)
    {
        var token = request.Query["token"].ToString();
        if (!tokens.TryRead(token, out var claim))
        {
            return new HtmlPage(StatusCodes.Status400BadRequest, "链接无效 · Invalid link",
                "这个退订链接无效或已损坏。", "This unsubscribe link is not valid.");
        }
        var now = time.GetUtcNow();
        // Each click is its own event: clicking an old link again after opting back in withdraws consent again.
        var eventId = "unsub-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{token}|{now.ToUnixTimeMilliseconds()}")))[..32];
        await feedback.HandleAsync([new UnsubscribeRequest(eventId, now, claim!.Customer, claim.Channel, claim.MessageId)], cancellationToken);
        var (zh, en) = claim.Channel switch
        {
            Channel.Sms => ("短信", "text messages"),
            Channel.Email => ("邮件", "emails"),
            Channel.Push => ("推送通知", "push notifications"),
            _ => ("小程序消息", "mini-program messages"),
        };
        return new HtmlPage(StatusCodes.Status200OK, "已退订 · Unsubscribed", $"您将不再收到我们的营销{zh}。", $"You will no longer receive marketing {en} from us.");
    }
}

/// <summary>A small self-contained HTML page.</summary>
public sealed class HtmlPage(int status, string title, string chinese, string english) : IResult, IActionResult
{
    public int Status { get; } = status;

    public string Body { get; } = $"""
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>{WebUtility.HtmlEncode(title)}</title></head>
        <body style="font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
        <h1 style="font-size:1.4rem">{WebUtility.HtmlEncode(title)}</h1>
        <p>{WebUtility.HtmlEncode(chinese)}</p>
        <p lang="en">{WebUtility.HtmlEncode(english)}</p>
        </body></html>
        """;

    public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext.Response);

    public Task ExecuteResultAsync(ActionContext context) => Write(context.HttpContext.Response);

    private Task Write(HttpResponse response)
    {
        response.StatusCode = Status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(Body);
    }
}
