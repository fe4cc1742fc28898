using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;
using Lodestar.Journeys;
using Microsoft.Extensions.Logging;

namespace Lodestar.Messaging.Push;

/// <summary>
/// Push through Azure Notification Hubs' REST API: <c>POST {namespace}/{hub}/messages/?api-version=2015-01</c> with a
/// fresh SAS token per attempt, <c>ServiceBusNotification-Format</c> (template, FcmV1 or apple) and
/// <c>ServiceBusNotification-Tags</c> set to the customer's installation tag (<see cref="OutboundMessage.Address"/>,
/// e.g. <c>customer:c_…</c>).
/// </summary>
/// <remarks>
/// The send API has no idempotency key, so only 429 (refused before any fan-out) is retried, honouring
/// <c>Retry-After</c>; a 5xx or a lost answer may hide a notification already on its way and becomes Failed rather
/// than a possible duplicate on the customer's phone.
/// </remarks>
public sealed class NotificationHubsSender : IChannelSender
{
    private readonly NotificationHubsOptions options;
    private readonly Uri hubUri;
    private readonly HttpPipeline pipeline;
    private readonly ILogger logger;

    public NotificationHubsSender(NotificationHubsOptions options, HttpClient httpClient, TimeProvider timeProvider, ILogger<NotificationHubsSender> logger)
    {
        this.options = options;
        this.logger = logger;
        var connection = HubConnection.Parse(options.ConnectionString!);
        var root = string.IsNullOrWhiteSpace(options.BaseUrl) ? connection.Endpoint : new Uri(options.BaseUrl);
        hubUri = new Uri($"{root.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(options.HubName!)}");
        pipeline = HttpPipelineBuilder.Build(
            new ChannelClientOptions(httpClient, options.Retry), [],
            [new SasPolicy(connection, hubUri, options.TokenLifetime, timeProvider)],
            new RetryThrottledOnlyClassifier());
    }

    public Channel Channel => Channel.Push;

    public async Task<DeliveryReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel != Channel.Push)
        {
            throw new ArgumentException($"NotificationHubsSender sends push, not {message.Channel}.", nameof(message));
        }
        if (!IsTag(message.Address))
        {
            return logger.Log(message, new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: "not a Notification Hubs tag"));
        }
        try
        {
            using var send = pipeline.CreateMessage();
            send.Request.Method = RequestMethod.Post;
            send.Request.Uri.Reset(new Uri($"{hubUri.AbsoluteUri}/messages/?api-version={Uri.EscapeDataString(options.ApiVersion)}"));
            send.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json;charset=utf-8");
            send.Request.Headers.SetValue("ServiceBusNotification-Format", PushPayload.FormatHeader(options.Format));
            send.Request.Headers.SetValue("ServiceBusNotification-Tags", message.Address);
            send.Request.Content = RequestContent.Create(PushPayload.Body(options.Format, message));
            await pipeline.SendAsync(send, cancellationToken);
            return logger.Log(message, ReceiptOf(send.Response));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ChannelLog.TransportFailed(logger, Channel, message.MessageId, message.Customer, ex.GetType().Name);
            return new DeliveryReceipt(DeliveryStatus.Failed, Reason: "no answer from Notification Hubs (not retried: a push send is not idempotent): " + ex.GetType().Name);
        }
    }

    private DeliveryReceipt ReceiptOf(Azure.Response response)
    {
        var status = response.Status;
        if (status is >= 200 and < 300)
        {
            // Standard tier answers Location: …/messages/{notification id}?api-version=…
            string? id = null;
            if (response.Headers.TryGetValue("Location", out var location) && Uri.TryCreate(location, UriKind.Absolute, out var uri))
            {
                id = uri.Segments[^1].Trim('/');
            }
            return DeliveryReceipt.Accepted(string.IsNullOrEmpty(id) ? null : id);
        }
        var reason = status switch
        {
            400 => "the hub rejected the notification (headers or payload)",
            401 or 403 => "the hub refused the credentials or the quota is exhausted",
            404 => "no such hub",
            413 => "the payload is over 64 KB",
            429 => $"still throttled after {options.MaxRetries} retries",
            >= 500 => "server error; not retried because a push send is not idempotent",
            _ => "unexpected answer",
        };
        return new DeliveryReceipt(DeliveryStatus.Failed, Reason: string.Create(CultureInfo.InvariantCulture, $"Notification Hubs answered {status}: {reason}"));
    }

    /// <summary>A single tag: up to 120 of letters, digits and <c>_ @ # . : -</c> (the documented tag alphabet).</summary>
    internal static bool IsTag(string value) =>
        value.Length is > 0 and <= 120 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '@' or '#' or '.' or ':' or '-');

    private sealed class SasPolicy(HubConnection connection, Uri resource, TimeSpan lifetime, TimeProvider timeProvider) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            message.Request.Headers.SetValue(HttpHeader.Names.Authorization, connection.SasToken(resource, timeProvider.GetUtcNow() + lifetime));
    }
}
