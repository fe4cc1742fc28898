using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Journeys;
using Microsoft.Extensions.Logging;

namespace Lodestar.Messaging.MiniProgram;

/// <summary>
/// Mini-program subscribe messages (WeChat style): <c>POST {base}/cgi-bin/message/subscribe/send?access_token=…</c> with
/// <c>touser</c> (the openid in <see cref="OutboundMessage.Address"/>), <c>template_id</c>
/// (<see cref="MessageContent.ProviderTemplate"/>), <c>page</c>, <c>data</c> (<c>{key: {value}}</c>),
/// <c>miniprogram_state</c> and <c>lang</c>.
/// </summary>
/// <remarks>
/// The API answers HTTP 200 with an <c>errcode</c>: 0 is accepted (<c>msgid</c>); an invalid or expired access token
/// (40001, 40014, 42001) is refreshed and the send retried once; 43101 (the user has no subscription left) is Refused;
/// 40003 (unknown openid) is InvalidAddress; 45009 is Failed "rate limited". Nothing else is retried: the send has no
/// idempotency key.
/// </remarks>
public sealed class MiniProgramSender : IChannelSender
{
    private readonly MiniProgramOptions options;
    private readonly HttpClient httpClient;
    private readonly AccessTokenManager tokens;
    private readonly ILogger logger;

    public MiniProgramSender(MiniProgramOptions options, HttpClient httpClient, TimeProvider timeProvider, ILogger<MiniProgramSender> logger)
    {
        this.options = options;
        this.httpClient = httpClient;
        this.logger = logger;
        tokens = new AccessTokenManager(options, httpClient, timeProvider, logger);
    }

    public Channel Channel => Channel.MiniProgram;

    public async Task<DeliveryReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel != Channel.MiniProgram)
        {
            throw new ArgumentException($"MiniProgramSender sends mini-program messages, not {message.Channel}.", nameof(message));
        }
        if (string.IsNullOrWhiteSpace(message.Content.ProviderTemplate))
        {
            return logger.Log(message, new DeliveryReceipt(DeliveryStatus.Failed, Reason: "no subscribe-message template id in the content"));
        }
        try
        {
            var body = BodyOf(message);
            var token = await tokens.GetAsync(cancellationToken);
            var answer = await PostAsync(token, body, cancellationToken);
            if (answer.ErrCode is { } code && WeChatErrors.IsTokenProblem(code))
            {
                ChannelLog.TokenRejected(logger, options.AppId!, code);
                token = await tokens.RefreshAsync(token, cancellationToken);
                answer = await PostAsync(token, body, cancellationToken);
                if (answer.ErrCode is { } again && WeChatErrors.IsTokenProblem(again))
                {
                    return logger.Log(message, new DeliveryReceipt(DeliveryStatus.Failed,
                        Reason: string.Create(CultureInfo.InvariantCulture, $"access token rejected again after a refresh (errcode {again})")));
                }
            }
            return logger.Log(message, ReceiptOf(answer));
        }
        catch (MiniProgramTokenException ex)
        {
            return logger.Log(message, new DeliveryReceipt(DeliveryStatus.Failed, Reason: "no access token: " + ex.Message));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ChannelLog.TransportFailed(logger, Channel, message.MessageId, message.Customer, ex.GetType().Name);
            return new DeliveryReceipt(DeliveryStatus.Failed, Reason: "no answer from the mini-program API: " + ex.GetType().Name);
        }
    }

    private readonly record struct Answer(int HttpStatus, int? ErrCode, string? MsgId);

    private async Task<Answer> PostAsync(string token, byte[] body, CancellationToken cancellationToken)
    {
        var uri = $"{options.BaseUrl.TrimEnd('/')}/cgi-bin/message/subscribe/send?access_token={Uri.EscapeDataString(token)}";
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        using var response = await httpClient.PostAsync(uri, content, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return new Answer((int)response.StatusCode, null, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var code = WeChatErrors.CodeOf(doc.RootElement);
            // msgid is a 64-bit number; keep its digits as they came rather than round it through a double.
            var msgId = code == WeChatErrors.Ok && doc.RootElement.TryGetProperty("msgid", out var id) && id.ValueKind is JsonValueKind.Number or JsonValueKind.String
                ? id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText()
                : null;
            return new Answer((int)response.StatusCode, code, msgId);
        }
        catch (JsonException)
        {
            return new Answer((int)response.StatusCode, null, null);
        }
    }

    private static DeliveryReceipt ReceiptOf(Answer answer) => answer.ErrCode switch
    {
        null when answer.HttpStatus != 200 => new DeliveryReceipt(DeliveryStatus.Failed,
            Reason: string.Create(CultureInfo.InvariantCulture, $"the mini-program API answered HTTP {answer.HttpStatus}")),
        null => new DeliveryReceipt(DeliveryStatus.Failed, Reason: "malformed answer from the mini-program API"),
        WeChatErrors.Ok => DeliveryReceipt.Accepted(answer.MsgId),
        WeChatErrors.UserRefused => new DeliveryReceipt(DeliveryStatus.Refused, Reason: "the user refused or has no subscription left (43101)"),
        WeChatErrors.InvalidOpenId => new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: "invalid openid (40003)"),
        WeChatErrors.RateLimited => new DeliveryReceipt(DeliveryStatus.Failed, Reason: "rate limited (45009)"),
        WeChatErrors.InvalidTemplateId => new DeliveryReceipt(DeliveryStatus.Failed, Reason: "template id rejected (40037)"),
        WeChatErrors.TemplateDataInvalid => new DeliveryReceipt(DeliveryStatus.Failed, Reason: "template data rejected (47003)"),
        WeChatErrors.SystemBusy => new DeliveryReceipt(DeliveryStatus.Failed, Reason: "system busy (-1)"),
        var code => new DeliveryReceipt(DeliveryStatus.Failed, Reason: string.Create(CultureInfo.InvariantCulture, $"errcode {code}")),
    };

    private byte[] BodyOf(OutboundMessage message)
    {
        var data = new JsonObject();
        foreach (var (key, value) in message.Content.Data ?? new Dictionary<string, string>())
        {
            data[key] = new JsonObject { ["value"] = value };
        }
        var body = new JsonObject
        {
            ["touser"] = message.Address,
            ["template_id"] = message.Content.ProviderTemplate,
            ["data"] = data,
            ["miniprogram_state"] = options.MiniProgramState,
            ["lang"] = options.Lang,
        };
        if (!string.IsNullOrEmpty(message.Content.Page))
        {
            body["page"] = message.Content.Page;
        }
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }
}
