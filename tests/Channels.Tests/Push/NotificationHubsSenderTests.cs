using System.Text.Json.Nodes;
using Lodestar.Messaging;
using Lodestar.Messaging.Push;
using Lodestar.Tests.Channels.Support;

namespace Lodestar.Tests.Channels.Push;

public sealed class NotificationHubsSenderTests : IAsyncLifetime
{
    private NotificationHubsFake fake = null!;
    private readonly HttpClient http = new();
    private readonly RecordingLogger<NotificationHubsSender> logger = new();

    public async ValueTask InitializeAsync() => fake = await NotificationHubsFake.StartAsync();

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await fake.DisposeAsync();
    }

    private NotificationHubsSender Sender(PushFormat format = PushFormat.Template)
    {
        var options = new NotificationHubsOptions
        {
            ConnectionString = fake.ConnectionString, HubName = NotificationHubsFake.Hub, BaseUrl = fake.Service.BaseUri.AbsoluteUri,
            Format = format, RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        };
        Assert.Empty(options.Validate());
        return new NotificationHubsSender(options, http, TimeProvider.System, logger);
    }

    [Theory]
    [InlineData(PushFormat.Template, "template")]
    [InlineData(PushFormat.FcmV1, "FcmV1")]
    [InlineData(PushFormat.Apple, "apple")]
    public async Task Send_EachFormat_DocumentedRequestAcceptedWithNotificationId(PushFormat format, string header)
    {
        var message = Messages.Push();

        var receipt = await Sender(format).SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Empty(fake.Service.Violations);
        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(fake.Notifications.Keys.Single(), receipt.ProviderMessageId);
        var request = fake.Service.Requests.Single();
        Assert.Equal(header, request.Header("ServiceBusNotification-Format"));
        Assert.Equal(message.Address, request.Header("ServiceBusNotification-Tags"));
        var body = JsonNode.Parse(request.Body)!;
        var alert = format switch
        {
            PushFormat.Template => body,
            PushFormat.FcmV1 => body["message"]!["notification"]!,
            _ => body["aps"]!["alert"]!,
        };
        Assert.Equal(message.Content.Title, alert["title"]!.GetValue<string>());
        Assert.Equal(message.Content.Text, alert["body"]!.GetValue<string>());
        var data = format == PushFormat.FcmV1 ? body["message"]!["android"]!["data"]! : body;
        Assert.Equal(message.Content.Data!["deeplink"], data["deeplink"]!.GetValue<string>());
        Assert.Equal(message.MessageId, data["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_Throttled_RetriesNoSoonerThanRetryAfterWithFreshToken()
    {
        fake.Faults.Enqueue(NotificationHubsFake.Fault.Throttle);

        var receipt = await Sender().SendAsync(Messages.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        var requests = fake.Service.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Timing.AssertWaitedAtLeast(TimeSpan.FromSeconds(1), requests[0], requests[1]);
        Assert.Empty(fake.Service.Violations);
    }

    [Fact]
    public async Task Send_ServerError_NotRetriedSoNoSecondNotification()
    {
        fake.Faults.Enqueue(NotificationHubsFake.Fault.ServerError);

        var receipt = await Sender().SendAsync(Messages.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("not idempotent", receipt.Reason, StringComparison.Ordinal);
        Assert.Single(fake.Service.Requests);
        Assert.Single(fake.Notifications);
    }

    [Fact]
    public async Task Send_Rejected_FailedWithoutException()
    {
        fake.Faults.Enqueue(NotificationHubsFake.Fault.BadRequest);

        var receipt = await Sender().SendAsync(Messages.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("400", receipt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WrongKey_FailedAndTheFakeSawABadSignature()
    {
        var options = new NotificationHubsOptions
        {
            ConnectionString = fake.ConnectionString.Replace(fake.Key, Convert.ToBase64String(new byte[32]), StringComparison.Ordinal),
            HubName = NotificationHubsFake.Hub, BaseUrl = fake.Service.BaseUri.AbsoluteUri,
        };
        var sender = new NotificationHubsSender(options, http, TimeProvider.System, logger);

        var receipt = await sender.SendAsync(Messages.Push(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("SAS: sig does not verify", fake.Service.Violations);
    }

    [Theory]
    [InlineData("customer:c_0123456789abcdef && promo")]
    [InlineData("")]
    [InlineData("tag with spaces")]
    public async Task Send_NotASingleTag_InvalidAddressWithoutCallingTheHub(string tag)
    {
        var receipt = await Sender().SendAsync(Messages.Push(tag), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.InvalidAddress, receipt.Status);
        Assert.Empty(fake.Service.Requests);
    }

    [Fact]
    public async Task Send_Logs_NeitherTagNorContent()
    {
        var message = Messages.Push();
        await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(message.Address, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Content.Text, logger.All, StringComparison.Ordinal);
    }
}
