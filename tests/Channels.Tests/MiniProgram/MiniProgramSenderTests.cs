using System.Text.Json.Nodes;
using Lodestar.Messaging;
using Lodestar.Messaging.MiniProgram;
using Lodestar.Tests.Channels.Support;

namespace Lodestar.Tests.Channels.MiniProgram;

public sealed class MiniProgramSenderTests : IAsyncLifetime
{
    private WeChatFake fake = null!;
    private readonly HttpClient http = new();
    private readonly RecordingLogger<MiniProgramSender> logger = new();

    public async ValueTask InitializeAsync() => fake = await WeChatFake.StartAsync();

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await fake.DisposeAsync();
    }

    private MiniProgramSender Sender(TokenApi api = TokenApi.Stable, TimeProvider? clock = null)
    {
        var options = new MiniProgramOptions { AppId = WeChatFake.AppId, AppSecret = fake.Secret, BaseUrl = fake.Service.BaseUri.AbsoluteUri, TokenApi = api };
        Assert.Empty(options.Validate());
        return new MiniProgramSender(options, http, clock ?? TimeProvider.System, logger);
    }

    [Theory]
    [InlineData(TokenApi.Stable)]
    [InlineData(TokenApi.Classic)]
    public async Task Send_FetchesTokenThenDocumentedSend_AcceptedWithMsgId(TokenApi api)
    {
        var message = Messages.MiniProgram();

        var receipt = await Sender(api).SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Empty(fake.Service.Violations);
        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(fake.Delivered.Keys.Single().ToString(System.Globalization.CultureInfo.InvariantCulture), receipt.ProviderMessageId);
        Assert.Equal(1, fake.TokenFetches);
        var body = JsonNode.Parse(fake.Sends.Single().Body)!;
        Assert.Equal(message.Address, body["touser"]!.GetValue<string>());
        Assert.Equal(message.Content.ProviderTemplate, body["template_id"]!.GetValue<string>());
        Assert.Equal(message.Content.Page, body["page"]!.GetValue<string>());
        foreach (var (key, value) in message.Content.Data!)
        {
            Assert.Equal(value, body["data"]![key]!["value"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Send_TokenExpiredAtTheServer_OneRefreshAndOneRetry()
    {
        var sender = Sender();
        await sender.SendAsync(Messages.MiniProgram(), TestContext.Current.CancellationToken);
        fake.ExpireToken();

        var receipt = await sender.SendAsync(Messages.MiniProgram(messageId: "journey-1/node-5/1"), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(2, fake.TokenFetches);
        Assert.Equal(3, fake.Sends.Count());
        Assert.Equal(2, fake.Delivered.Count);
        Assert.Empty(fake.Service.Violations);
    }

    [Fact]
    public async Task Send_TokenRejectedEvenAfterRefresh_FailedAfterOneRetry()
    {
        fake.RejectAllTokens = true;

        var receipt = await Sender().SendAsync(Messages.MiniProgram(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Equal(2, fake.Sends.Count());
        Assert.Empty(fake.Delivered);
        // The stable token API returned the rejected token again, so the sender forced a new one, once.
        Assert.Single(fake.Service.Requests, r => r.RawTarget == "/cgi-bin/stable_token"
            && System.Text.Json.Nodes.JsonNode.Parse(r.Body)!["force_refresh"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Send_Concurrently_ShareOneTokenFetch()
    {
        fake.TokenDelay = TimeSpan.FromMilliseconds(300);
        var sender = Sender();

        var receipts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            sender.SendAsync(Messages.MiniProgram(messageId: $"journey-1/node-5/{i}"), TestContext.Current.CancellationToken)));

        Assert.All(receipts, r => Assert.Equal(DeliveryStatus.Accepted, r.Status));
        Assert.Equal(1, fake.TokenFetches);
        Assert.Equal(20, fake.Delivered.Count);
    }

    [Fact]
    public async Task Send_ConcurrentlyAfterServerExpiry_OneRefreshForAll()
    {
        var sender = Sender(TokenApi.Classic);
        await sender.SendAsync(Messages.MiniProgram(), TestContext.Current.CancellationToken);
        fake.ExpireToken();
        fake.TokenDelay = TimeSpan.FromMilliseconds(300);

        var receipts = await Task.WhenAll(Enumerable.Range(1, 10).Select(i =>
            sender.SendAsync(Messages.MiniProgram(messageId: $"journey-1/node-5/{i}"), TestContext.Current.CancellationToken)));

        Assert.All(receipts, r => Assert.Equal(DeliveryStatus.Accepted, r.Status));
        Assert.Equal(2, fake.TokenFetches);
    }

    [Fact]
    public async Task Send_TokenCachedUntilRefreshAheadOfExpiry()
    {
        var clock = new ManualClock(Messages.T0);
        var sender = Sender(TokenApi.Classic, clock);
        await sender.SendAsync(Messages.MiniProgram(), TestContext.Current.CancellationToken);

        clock.Advance(TimeSpan.FromSeconds(fake.ExpiresIn) - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await sender.SendAsync(Messages.MiniProgram(messageId: "m/2"), TestContext.Current.CancellationToken);
        var fetchesBeforeWindow = fake.TokenFetches;
        clock.Advance(TimeSpan.FromSeconds(2));
        await sender.SendAsync(Messages.MiniProgram(messageId: "m/3"), TestContext.Current.CancellationToken);

        Assert.Equal(1, fetchesBeforeWindow);
        Assert.Equal(2, fake.TokenFetches);
        Assert.Equal(3, fake.Delivered.Count);
    }

    [Theory]
    [InlineData(43101, DeliveryStatus.Refused, "refused")]
    [InlineData(40003, DeliveryStatus.InvalidAddress, "openid")]
    [InlineData(45009, DeliveryStatus.Failed, "rate limited")]
    [InlineData(40037, DeliveryStatus.Failed, "template")]
    public async Task Send_ErrCode_MappedToOutcome(int errcode, DeliveryStatus expected, string reason)
    {
        var message = Messages.MiniProgram();
        fake.ErrCodeFor[message.Address] = errcode;

        var receipt = await Sender().SendAsync(message, TestContext.Current.CancellationToken);

        Assert.Equal(expected, receipt.Status);
        Assert.Contains(reason, receipt.Reason, StringComparison.Ordinal);
        Assert.Single(fake.Sends);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("{\"errmsg\":\"ok\"}")]
    public async Task Send_MalformedAnswer_FailedWithoutException(string answer)
    {
        fake.RawAnswers.Enqueue(answer);

        var receipt = await Sender().SendAsync(Messages.MiniProgram(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("malformed", receipt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WrongSecret_FailedWithoutException()
    {
        var options = new MiniProgramOptions { AppId = WeChatFake.AppId, AppSecret = "not-the-secret", BaseUrl = fake.Service.BaseUri.AbsoluteUri };
        var sender = new MiniProgramSender(options, http, TimeProvider.System, logger);

        var receipt = await sender.SendAsync(Messages.MiniProgram(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.Contains("40125", receipt.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", receipt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Logs_NeitherOpenIdNorTokenNorSecret()
    {
        var message = Messages.MiniProgram();
        var sender = Sender();
        await sender.SendAsync(message, TestContext.Current.CancellationToken);
        fake.ExpireToken();
        await sender.SendAsync(message, TestContext.Current.CancellationToken);

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(message.Address, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain("ACCESS_TOKEN_", logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Secret, logger.All, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Content.Data!["thing1"], logger.All, StringComparison.Ordinal);
    }
}
