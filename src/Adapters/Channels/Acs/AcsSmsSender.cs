using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Lodestar.Journeys;
using Microsoft.Extensions.Logging;

namespace Lodestar.Messaging.Acs;

/// <summary>
/// SMS through Azure Communication Services, on the documented REST API <c>POST {endpoint}/sms</c>: one recipient per
/// request, with the repeatability pair both in the recipient (where API 2021-03-07 defines it) and as headers.
/// </summary>
/// <remarks>
/// The answer is 202 with one result per recipient (<c>httpStatusCode</c>, <c>successful</c>, <c>messageId</c>,
/// <c>repeatabilityResult</c>). A transient per-recipient result (429 or 5xx inside the 202) is retried like a transient
/// answer; that is safe because the service executes one repeatability id at most once. A 400 for the recipient means
/// the number is unusable. Provider error messages are not copied into receipts (they may quote the number).
/// </remarks>
public sealed class AcsSmsSender : IChannelSender
{
    private readonly AcsSmsOptions options;
    private readonly AcsConnection connection;
    private readonly HttpPipeline pipeline;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    public AcsSmsSender(AcsSmsOptions options, AcsConnection connection, HttpClient httpClient, TimeProvider timeProvider, ILogger<AcsSmsSender> logger)
    {
        this.options = options;
        this.connection = connection;
        this.timeProvider = timeProvider;
        this.logger = logger;
        pipeline = AcsPipeline.Create(connection, options.Retry, httpClient, timeProvider);
    }

    /// <summary>The longest <c>message</c> API 2021-03-07 accepts.</summary>
    public const int MaxMessageLength = 2048;

    public Channel Channel => Channel.Sms;

    public async Task<DeliveryReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel != Channel.Sms)
        {
            throw new ArgumentException($"AcsSmsSender sends SMS, not {message.Channel}.", nameof(message));
        }
        if (message.Content.Text.Length > MaxMessageLength)
        {
            return logger.Log(message, new DeliveryReceipt(DeliveryStatus.Failed,
                Reason: string.Create(CultureInfo.InvariantCulture, $"SMS text is over the {MaxMessageLength} characters ACS accepts")));
        }
        return await AcsPipeline.GuardedAsync(logger, message, "ACS SMS", () => SendCoreAsync(message, cancellationToken), cancellationToken);
    }

    private async Task<DeliveryReceipt> SendCoreAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var requestId = Repeatability.RequestIdFor(message.MessageId).ToString();
        var firstSent = Repeatability.FirstSent(message.FirstAttemptAt);
        var body = BodyOf(message, requestId, firstSent);
        var uri = new Uri($"{connection.Endpoint.AbsoluteUri.TrimEnd('/')}/sms?api-version={Uri.EscapeDataString(options.ApiVersion)}");
        var retryDelay = options.RetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            using var send = pipeline.CreateMessage();
            send.Request.Method = RequestMethod.Post;
            send.Request.Uri.Reset(uri);
            send.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
            send.Request.Headers.SetValue(Repeatability.RequestIdHeader, requestId);
            send.Request.Headers.SetValue(Repeatability.FirstSentHeader, firstSent);
            send.Request.Content = RequestContent.Create(body);
            await pipeline.SendAsync(send, cancellationToken);

            var receipt = ReceiptOf(send.Response, out var transient);
            if (!transient || attempt >= options.MaxRetries)
            {
                return receipt;
            }
            await Task.Delay(retryDelay, timeProvider, cancellationToken);
            retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, options.MaxRetryDelay.Ticks));
        }
    }

    private byte[] BodyOf(OutboundMessage message, string requestId, string firstSent)
    {
        var body = new JsonObject
        {
            ["from"] = options.From,
            ["smsRecipients"] = new JsonArray(new JsonObject
            {
                ["to"] = message.Address,
                ["repeatabilityRequestId"] = requestId,
                ["repeatabilityFirstSent"] = firstSent,
            }),
            ["message"] = message.Content.Text,
            // The tag comes back in the delivery report: the message id correlates it without any personal data.
            ["smsSendOptions"] = new JsonObject { ["enableDeliveryReport"] = options.EnableDeliveryReport, ["tag"] = message.MessageId },
        };
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    /// <summary>The receipt for an answer; <paramref name="transient"/> when the recipient's result asks for a retry.</summary>
    private DeliveryReceipt ReceiptOf(Response response, out bool transient)
    {
        transient = false;
        if (response.Status != 202)
        {
            var code = AcsErrors.CodeOf(response);
            var reason = string.Create(CultureInfo.InvariantCulture, $"ACS SMS answered {response.Status} ({code ?? "no error code"})");
            return new DeliveryReceipt(DeliveryStatus.Failed, Reason: response.Status is 429 or >= 500
                ? string.Create(CultureInfo.InvariantCulture, $"{reason} after {options.MaxRetries} retries")
                : reason);
        }
        if (!TryReadItem(response, out var item))
        {
            return new DeliveryReceipt(DeliveryStatus.Failed, Reason: "malformed answer from ACS SMS");
        }
        if (item.Successful && item.MessageId is not null)
        {
            return DeliveryReceipt.Accepted(item.MessageId);
        }
        var itemReason = string.Create(CultureInfo.InvariantCulture, $"ACS SMS answered {item.HttpStatusCode} for the recipient");
        if (string.Equals(item.RepeatabilityResult, "rejected", StringComparison.OrdinalIgnoreCase))
        {
            return new DeliveryReceipt(DeliveryStatus.Failed, item.MessageId, itemReason + "; repeatability rejected");
        }
        transient = item.HttpStatusCode is 429 or >= 500;
        return item.HttpStatusCode switch
        {
            400 => new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: itemReason),
            _ when transient => new DeliveryReceipt(DeliveryStatus.Failed, Reason: itemReason + $" after {options.MaxRetries} retries"),
            _ => new DeliveryReceipt(DeliveryStatus.Failed, Reason: itemReason),
        };
    }

    private readonly record struct SendItem(bool Successful, int HttpStatusCode, string? MessageId, string? RepeatabilityResult);

    private static bool TryReadItem(Response response, out SendItem item)
    {
        item = default;
        try
        {
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array
                || value.GetArrayLength() != 1)
            {
                return false;
            }
            var first = value[0];
            if (first.ValueKind != JsonValueKind.Object
                || !first.TryGetProperty("successful", out var successful) || successful.ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                || !first.TryGetProperty("httpStatusCode", out var status) || status.ValueKind != JsonValueKind.Number
                || !status.TryGetInt32(out var statusCode))
            {
                return false;
            }
            item = new SendItem(successful.GetBoolean(), statusCode, StringOf(first, "messageId"), StringOf(first, "repeatabilityResult"));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
