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
/// Email through Azure Communication Services, on the documented REST API: <c>POST {endpoint}/emails:send</c>
/// (202 + <c>Operation-Location</c>), then <c>GET</c> the operation until it is Succeeded or Failed, for at most
/// <see cref="AcsEmailOptions.PollTimeout"/>.
/// </summary>
/// <remarks>
/// The operation id is chosen here (<c>Operation-Id</c>, the same UUID as <c>Repeatability-Request-ID</c>, derived from
/// <see cref="OutboundMessage.MessageId"/>), so a retried or restarted send names the same operation and can always be
/// polled, even when an answer was lost. Provider error messages are not copied into receipts (they may quote the
/// address); only their codes are.
/// </remarks>
public sealed class AcsEmailSender : IChannelSender
{
    private readonly AcsEmailOptions options;
    private readonly AcsConnection connection;
    private readonly HttpPipeline pipeline;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;

    public AcsEmailSender(AcsEmailOptions options, AcsConnection connection, HttpClient httpClient, TimeProvider timeProvider, ILogger<AcsEmailSender> logger)
    {
        this.options = options;
        this.connection = connection;
        this.timeProvider = timeProvider;
        this.logger = logger;
        pipeline = AcsPipeline.Create(connection, options.Retry, httpClient, timeProvider);
    }

    public Channel Channel => Channel.Email;

    public async Task<DeliveryReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel != Channel.Email)
        {
            throw new ArgumentException($"AcsEmailSender sends email, not {message.Channel}.", nameof(message));
        }
        if (string.IsNullOrWhiteSpace(message.Content.Subject))
        {
            return logger.Log(message, new DeliveryReceipt(DeliveryStatus.Failed, Reason: "email content has no subject"));
        }
        return await AcsPipeline.GuardedAsync(logger, message, "ACS email", () => SendCoreAsync(message, cancellationToken), cancellationToken);
    }

    private async Task<DeliveryReceipt> SendCoreAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var operationId = Repeatability.RequestIdFor(message.MessageId).ToString();
        using var send = pipeline.CreateMessage();
        var request = send.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(new Uri($"{Base}/emails:send?api-version={Uri.EscapeDataString(options.ApiVersion)}"));
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        request.Headers.SetValue("Operation-Id", operationId);
        request.Headers.SetValue(Repeatability.RequestIdHeader, operationId);
        request.Headers.SetValue(Repeatability.FirstSentHeader, Repeatability.FirstSent(message.FirstAttemptAt));
        request.Content = RequestContent.Create(BodyOf(message));
        await pipeline.SendAsync(send, cancellationToken);

        var response = send.Response;
        if (response.Status != 202)
        {
            return ReceiptForError("send", response);
        }
        // 202 is the acceptance; the body only repeats the operation id and status.
        var pollUri = PollUriFor(response, operationId);
        var deadline = timeProvider.GetUtcNow() + options.PollTimeout;
        var wait = RetryAfter(response) ?? options.PollInterval;
        var lastStatus = "NotStarted";
        while (timeProvider.GetUtcNow() + wait <= deadline)
        {
            await Task.Delay(wait, timeProvider, cancellationToken);
            using var poll = pipeline.CreateMessage();
            poll.Request.Method = RequestMethod.Get;
            poll.Request.Uri.Reset(pollUri);
            await pipeline.SendAsync(poll, cancellationToken);
            if (poll.Response.Status != 200)
            {
                return new DeliveryReceipt(DeliveryStatus.Accepted, operationId,
                    string.Create(CultureInfo.InvariantCulture, $"queued; the status poll answered {poll.Response.Status}"));
            }
            if (!TryReadResult(poll.Response, out var status, out var errorCode))
            {
                return new DeliveryReceipt(DeliveryStatus.Failed, operationId, "malformed answer to the status poll");
            }
            switch (status)
            {
                case "Succeeded":
                    return DeliveryReceipt.Accepted(operationId);
                case "Failed" or "Canceled":
                    return new DeliveryReceipt(DeliveryStatus.Failed, operationId, $"ACS email {status}: {errorCode ?? "no error code"}");
                default:
                    lastStatus = status;
                    break;
            }
            wait = RetryAfter(poll.Response) ?? options.PollInterval;
        }
        return new DeliveryReceipt(DeliveryStatus.Accepted, operationId, $"queued; still {lastStatus} when polling stopped");
    }

    private string Base => connection.Endpoint.AbsoluteUri.TrimEnd('/');

    private byte[] BodyOf(OutboundMessage message)
    {
        var content = new JsonObject { ["subject"] = message.Content.Subject };
        if (!string.IsNullOrEmpty(message.Content.Text))
        {
            content["plainText"] = message.Content.Text;
        }
        if (!string.IsNullOrEmpty(message.Content.Html))
        {
            content["html"] = message.Content.Html;
        }
        var body = new JsonObject
        {
            ["senderAddress"] = options.Sender,
            ["recipients"] = new JsonObject { ["to"] = new JsonArray(new JsonObject { ["address"] = message.Address }) },
            ["content"] = content,
            ["headers"] = new JsonObject { ["X-Lodestar-Message-Id"] = message.MessageId },
        };
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    /// <summary>
    /// Where to poll: the <c>Operation-Location</c> the service gave when it is on the resource's own host (the
    /// signature or token must not travel elsewhere), else the documented operation path for the id chosen here.
    /// </summary>
    private Uri PollUriFor(Response response, string operationId)
    {
        if (response.Headers.TryGetValue("Operation-Location", out var location)
            && Uri.TryCreate(location, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, connection.Endpoint.Authority, StringComparison.OrdinalIgnoreCase)
            && uri.Scheme == connection.Endpoint.Scheme)
        {
            return uri;
        }
        return new Uri($"{Base}/emails/operations/{operationId}?api-version={Uri.EscapeDataString(options.ApiVersion)}");
    }

    private static TimeSpan? RetryAfter(Response response) =>
        response.Headers.TryGetValue("retry-after", out var value)
        && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static bool TryReadResult(Response response, out string status, out string? errorCode)
    {
        status = "";
        errorCode = null;
        try
        {
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            status = s.GetString()!;
            if (doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
            {
                errorCode = code.GetString();
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private DeliveryReceipt ReceiptForError(string what, Response response)
    {
        var code = AcsErrors.CodeOf(response);
        var reason = string.Create(CultureInfo.InvariantCulture, $"ACS email {what} answered {response.Status} ({code ?? "no error code"})");
        return response.Status switch
        {
            400 when AcsErrors.IsAboutRecipient(code) => new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: reason),
            429 => new DeliveryReceipt(DeliveryStatus.Failed, Reason: reason + $" after {options.MaxRetries} retries: throttled"),
            >= 500 => new DeliveryReceipt(DeliveryStatus.Failed, Reason: reason + $" after {options.MaxRetries} retries"),
            _ => new DeliveryReceipt(DeliveryStatus.Failed, Reason: reason),
        };
    }
}
