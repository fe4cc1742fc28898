using Lodestar.Journeys;
using Lodestar.Messaging;
using Lodestar.Messaging.Acs;
using Lodestar.Messaging.MiniProgram;
using Lodestar.Messaging.Push;
using Lodestar.Tests.Channels.Acs;
using Lodestar.Tests.Channels.MiniProgram;
using Lodestar.Tests.Channels.Push;
using Lodestar.Tests.Channels.Support;

namespace Lodestar.Tests.Channels.Contract;

public sealed class AcsSmsSenderContract : ChannelSenderContract
{
    private AcsSmsFake fake = null!;

    protected override Channel Channel => Channel.Sms;

    protected override OutboundMessage Message(string messageId) => Messages.Sms(messageId: messageId);

    protected override async Task<IChannelSender> StartAsync()
    {
        fake = await AcsSmsFake.StartAsync();
        return SenderFor(fake.Service.BaseUri);
    }

    protected override IChannelSender SenderFor(Uri endpoint) => new AcsSmsSender(
        new AcsSmsOptions { From = "+18005550100", MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) },
        AcsConnection.WithAccessKey(endpoint, fake.AccessKey), Http, TimeProvider.System, new RecordingLogger<AcsSmsSender>());

    protected override ValueTask StopAsync() => fake.DisposeAsync();
}

public sealed class AcsEmailSenderContract : ChannelSenderContract
{
    private AcsEmailFake fake = null!;

    protected override Channel Channel => Channel.Email;

    protected override OutboundMessage Message(string messageId) => Messages.Email(messageId: messageId);

    protected override async Task<IChannelSender> StartAsync()
    {
        fake = await AcsEmailFake.StartAsync();
        return SenderFor(fake.Service.BaseUri);
    }

    protected override IChannelSender SenderFor(Uri endpoint) => new AcsEmailSender(
        new AcsEmailOptions { Sender = "DoNotReply@news.example.com", MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10), PollInterval = TimeSpan.FromMilliseconds(10) },
        AcsConnection.WithAccessKey(endpoint, fake.AccessKey), Http, TimeProvider.System, new RecordingLogger<AcsEmailSender>());

    protected override ValueTask StopAsync() => fake.DisposeAsync();
}

public sealed class NotificationHubsSenderContract : ChannelSenderContract
{
    private NotificationHubsFake fake = null!;

    protected override Channel Channel => Channel.Push;

    protected override OutboundMessage Message(string messageId) => Messages.Push(messageId: messageId);

    protected override async Task<IChannelSender> StartAsync()
    {
        fake = await NotificationHubsFake.StartAsync();
        return SenderFor(fake.Service.BaseUri);
    }

    protected override IChannelSender SenderFor(Uri endpoint) => new NotificationHubsSender(
        new NotificationHubsOptions { ConnectionString = fake.ConnectionString, HubName = NotificationHubsFake.Hub, BaseUrl = endpoint.AbsoluteUri },
        Http, TimeProvider.System, new RecordingLogger<NotificationHubsSender>());

    protected override ValueTask StopAsync() => fake.DisposeAsync();
}

public sealed class MiniProgramSenderContract : ChannelSenderContract
{
    private WeChatFake fake = null!;

    protected override Channel Channel => Channel.MiniProgram;

    protected override OutboundMessage Message(string messageId) => Messages.MiniProgram(messageId: messageId);

    protected override async Task<IChannelSender> StartAsync()
    {
        fake = await WeChatFake.StartAsync();
        return SenderFor(fake.Service.BaseUri);
    }

    protected override IChannelSender SenderFor(Uri endpoint) => new MiniProgramSender(
        new MiniProgramOptions { AppId = WeChatFake.AppId, AppSecret = fake.Secret, BaseUrl = endpoint.AbsoluteUri },
        Http, TimeProvider.System, new RecordingLogger<MiniProgramSender>());

    protected override ValueTask StopAsync() => fake.DisposeAsync();
}
