using System.Text.Json.Nodes;
using Lodestar.Messaging;
using Lodestar.Messaging.Acs;
using Lodestar.Tests.Channels.Support;

namespace Lodestar.Tests.Channels.Acs;

public sealed class AcsSmsSenderTests : IAsyncLifetime
{
    private AcsSmsFake fake = null!;
    private readonly HttpClient http = new();
    private readonly RecordingLogger<AcsSmsSender> logger = new();

    public async ValueTask InitializeAsync() => fake = await AcsSmsFake.StartAsync();

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await fake.DisposeAsync();
    }

    private AcsSmsSender Sender(int maxRetries = 3)
    {
        var options = new AcsSmsOptions
        {
            ConnectionString = fake.ConnectionString, From = "+18005550100", MaxRetries = maxRetries,
            RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        };
        Assert.Empty(options.Validate());
        var connection = AcsConnection.WithAccessKey(fake.Service.BaseUri, fake.AccessKey);
        return new AcsSmsSender(options, connection, http, TimeProvider.System, logger);
    }

    [Fact]
    public async Task Send_SignedDocumentedRequest_AcceptedWithProviderMessageId()
    {
        var message = Messages.Sms();

        var receipt = await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Empty(fake.Service.Violations);
        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(fake.Sent.Values.Single(), receipt.ProviderMessageId);
        var body = JsonNode.Parse(fake.Service.Requests.Single().Body)!;
        Assert.Equal(message.Address, body["smsRecipients"]![0]!["to"]!.GetValue<string>());
        Assert.Equal(message.Content.Text, body["message"]!.GetValue<string>());
        Assert.Equal("+18005550100", body["from"]!.GetValue<string>());
        Assert.Equal(message.MessageId, body["smsSendOptions"]!["tag"]!.GetValue<string>());
        Assert.Equal(Repeatability.FirstSent(Messages.T0), body["smsRecipients"]![0]!["repeatabilityFirstSent"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_Throttled_RetriesNoSoonerThanRetryAfter()
    {
        fake.Faults.Enqueue(AcsSmsFake.Fault.Throttle);

        var receipt = await Sender().SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        var requests = fake.Service.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Timing.AssertWaitedAtLeast(TimeSpan.FromSeconds(1), requests[0], requests[1]);
        Assert.Empty(fake.Service.Violations);
    }

    [Fact]
    public async Task Send_ServerErrorAfterAcceptance_RetrySameRepeatabilityAndOneMessage()
    {
        fake.Faults.Enqueue(AcsSmsFake.Fault.ServerErrorAfterAccept);

        var receipt = await Sender().SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        var requests = fake.Service.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(requests[0].Header("Repeatability-Request-ID"), requests[1].Header("Repeatability-Request-ID"));
        Assert.Equal(requests[0].Header("Repeatability-First-Sent"), requests[1].Header("Repeatability-First-Sent"));
        Assert.Single(fake.Sent);
        Assert.Equal(fake.Sent.Values.Single(), receipt.ProviderMessageId);
        Assert.Empty(fake.Service.Violations);
    }

    [Fact]
    public async Task Send_SameMessageTwice_SameRepeatabilityIdAndOneMessage()
    {
        var sender = Sender();
        var first = await sender.SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);
        var again = await Sender().SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(first.ProviderMessageId, again.ProviderMessageId);
        Assert.Single(fake.Sent);
    }

    [Fact]
    public async Task Send_RecipientUnavailableInsideAccepted_RetriedThenAccepted()
    {
        fake.Faults.Enqueue(AcsSmsFake.Fault.RecipientUnavailable);

        var receipt = await Sender().SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(2, fake.Service.Requests.Count);
        Assert.Single(fake.Sent);
    }

    [Fact]
    public async Task Send_ServerKeepsFailing_FailedAfterRetriesWithoutException()
    {
        for (var i = 0; i < 3; i++)
        {
            fake.Faults.Enqueue(AcsSmsFake.Fault.ServerErrorAfterAccept);
        }

        var receipt = await Sender(maxRetries: 2).SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("500", receipt.Reason, StringComparison.Ordinal);
        Assert.Equal(3, fake.Service.Requests.Count);
    }

    [Fact]
    public async Task Send_MalformedAnswer_FailedWithoutException()
    {
        fake.Faults.Enqueue(AcsSmsFake.Fault.Malformed);

        var receipt = await Sender().SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("malformed", receipt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_InvalidNumber_InvalidAddress()
    {
        var message = Messages.Sms(to: "+15550001234");
        fake.InvalidNumbers[message.Address] = true;

        var receipt = await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.InvalidAddress, receipt.Status);
        Assert.Empty(fake.Sent);
    }

    [Fact]
    public async Task Send_ServiceDown_FailedWithoutException()
    {
        var options = new AcsSmsOptions { ConnectionString = fake.ConnectionString, From = "+18005550100", MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) };
        var closed = new Uri("http://127.0.0.1:9/");
        var sender = new AcsSmsSender(options, AcsConnection.WithAccessKey(closed, fake.AccessKey), http, TimeProvider.System, logger);

        var receipt = await sender.SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
    }

    [Fact]
    public async Task Send_Logs_NeitherNumberNorText()
    {
        var message = Messages.Sms();
        fake.Faults.Enqueue(AcsSmsFake.Fault.Malformed);
        await Sender().SendAsync(message, TestContext.Current.CancellationToken);
        await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(message.Address, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Address.TrimStart('+'), logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Content.Text, logger.All, StringComparison.Ordinal);
        Assert.Contains(message.Customer.Value, logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Cancelled_CancellationEscapesAsCancellation()
    {
        fake.Faults.Enqueue(AcsSmsFake.Fault.Throttle);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sender().SendAsync(Messages.Sms(), cancel.Token));
    }

    [Fact]
    public async Task Send_TextOverTheApiLimit_FailedWithoutCallingTheService()
    {
        var message = Messages.Sms(text: new string('x', AcsSmsSender.MaxMessageLength + 1));

        var receipt = await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Empty(fake.Service.Requests);
    }
}
