using System.Text.Json.Nodes;
using Lodestar.Messaging;
using Lodestar.Messaging.Acs;
using Lodestar.Tests.Channels.Support;

namespace Lodestar.Tests.Channels.Acs;

public sealed class AcsEmailSenderTests : IAsyncLifetime
{
    private AcsEmailFake fake = null!;
    private readonly HttpClient http = new();
    private readonly RecordingLogger<AcsEmailSender> logger = new();

    public async ValueTask InitializeAsync() => fake = await AcsEmailFake.StartAsync();

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await fake.DisposeAsync();
    }

    private AcsEmailSender Sender(TimeSpan? pollTimeout = null)
    {
        var options = new AcsEmailOptions
        {
            ConnectionString = $"endpoint={fake.Service.BaseUri};accesskey={fake.AccessKey}", Sender = "DoNotReply@news.example.com",
            RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            PollInterval = TimeSpan.FromMilliseconds(20), PollTimeout = pollTimeout ?? TimeSpan.FromSeconds(10),
        };
        Assert.Empty(options.Validate());
        return new AcsEmailSender(options, AcsConnection.WithAccessKey(fake.Service.BaseUri, fake.AccessKey), http, TimeProvider.System, logger);
    }

    [Fact]
    public async Task Send_DocumentedRequestThenPolls_AcceptedWhenSucceeded()
    {
        var message = Messages.Email();

        var receipt = await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Empty(fake.Service.Violations);
        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(fake.Operations.Keys.Single(), receipt.ProviderMessageId);
        var requests = fake.Service.Requests.ToArray();
        Assert.Equal(["POST", "GET", "GET"], requests.Select(r => r.Method));
        var body = JsonNode.Parse(requests[0].Body)!;
        Assert.Equal(message.Address, body["recipients"]!["to"]![0]!["address"]!.GetValue<string>());
        Assert.Equal(message.Content.Subject, body["content"]!["subject"]!.GetValue<string>());
        Assert.Equal(message.Content.Text, body["content"]!["plainText"]!.GetValue<string>());
        Assert.Equal(message.Content.Html, body["content"]!["html"]!.GetValue<string>());
        Assert.Equal("DoNotReply@news.example.com", body["senderAddress"]!.GetValue<string>());
        Assert.Equal(requests[0].Header("Operation-Id"), requests[0].Header("Repeatability-Request-ID"));
    }

    [Fact]
    public async Task Send_OperationFails_FailedWithTheServiceCode()
    {
        fake.Final = ("Failed", "EmailDropped");

        var receipt = await Sender().SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("EmailDropped", receipt.Reason, StringComparison.Ordinal);
        Assert.Empty(fake.Service.Violations);
    }

    [Fact]
    public async Task Send_StillRunningAtPollTimeout_AcceptedWithOperationId()
    {
        fake.RunningPolls = int.MaxValue;

        var receipt = await Sender(pollTimeout: TimeSpan.FromMilliseconds(200)).SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(fake.Operations.Keys.Single(), receipt.ProviderMessageId);
        Assert.Contains("Running", receipt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Throttled_RetriesNoSoonerThanRetryAfter()
    {
        fake.Faults.Enqueue(AcsEmailFake.Fault.Throttle);

        var receipt = await Sender().SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        var posts = fake.Service.Requests.Where(r => r.Method == "POST").ToArray();
        Assert.Equal(2, posts.Length);
        Timing.AssertWaitedAtLeast(TimeSpan.FromSeconds(1), posts[0], posts[1]);
        Assert.Empty(fake.Service.Violations);
    }

    [Fact]
    public async Task Send_ServerErrorAfterAcceptance_RetrySameIdsAndOneEmail()
    {
        fake.Faults.Enqueue(AcsEmailFake.Fault.ServerErrorAfterAccept);

        var receipt = await Sender().SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        var posts = fake.Service.Requests.Where(r => r.Method == "POST").ToArray();
        Assert.Equal(2, posts.Length);
        foreach (var header in new[] { "Operation-Id", "Repeatability-Request-ID", "Repeatability-First-Sent" })
        {
            Assert.Equal(posts[0].Header(header), posts[1].Header(header));
        }
        Assert.Single(fake.Operations);
        Assert.Empty(fake.Service.Violations);
    }

    [Fact]
    public async Task Send_UnexpectedAnswer_FailedWithoutException()
    {
        fake.Faults.Enqueue(AcsEmailFake.Fault.UnexpectedOk);

        var receipt = await Sender().SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Empty(fake.Operations);
    }

    [Fact]
    public async Task Send_MalformedPollAnswer_FailedWithoutException()
    {
        fake.Faults.Enqueue(AcsEmailFake.Fault.MalformedPoll);

        var receipt = await Sender().SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("malformed", receipt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_RecipientRejected_InvalidAddress()
    {
        fake.Faults.Enqueue(AcsEmailFake.Fault.InvalidRecipient);

        var receipt = await Sender().SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.InvalidAddress, receipt.Status);
    }

    [Fact]
    public async Task Send_NoSubject_FailedWithoutCallingTheService()
    {
        var receipt = await Sender().SendAsync(Messages.Email(subject: null), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Empty(fake.Service.Requests);
    }

    [Fact]
    public async Task Send_Logs_NeitherAddressNorContent()
    {
        var message = Messages.Email();
        await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(message.Address, logger.All, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(message.Content.Subject!, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Content.Text, logger.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_OperationLocationOnAnotherHost_PollsTheResourceItself()
    {
        fake.Faults.Enqueue(AcsEmailFake.Fault.ForeignOperationLocation);

        var receipt = await Sender().SendAsync(Messages.Email(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Contains(fake.Service.Requests, r => r.Method == "GET");
        Assert.Empty(fake.Service.Violations);
    }
}
