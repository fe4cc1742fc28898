using Lodestar.Journeys;
using Lodestar.Messaging;
using Lodestar.Tests.Channels.Acs;
using Lodestar.Tests.Channels.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lodestar.Tests.Channels;

public sealed class RegistrationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    private static readonly string AccessKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void AddChannelSenders_EveryChannelConfigured_OneSenderPerChannel()
    {
        var config = Config(
            ("Channels:Email:ConnectionString", $"endpoint=https://lodestar.communication.azure.com/;accesskey={AccessKey}"),
            ("Channels:Email:Sender", "DoNotReply@news.example.com"),
            ("Channels:Sms:Endpoint", "https://lodestar.communication.azure.com"),
            ("Channels:Sms:From", "+18005550100"),
            ("Channels:Push:ConnectionString", $"Endpoint=sb://lodestar.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={AccessKey}"),
            ("Channels:Push:HubName", "lodestar"),
            ("Channels:Push:Format", "FcmV1"),
            ("Channels:MiniProgram:AppId", "wx1234567890abcdef"),
            ("Channels:MiniProgram:AppSecret", "secret"));

        using var provider = new ServiceCollection().AddChannelSenders(config).BuildServiceProvider();

        var channels = provider.GetServices<IChannelSender>().Select(s => s.Channel).Order().ToArray();
        Assert.Equal(Lodestar.Journeys.Channels.All.Order(), channels);
        Assert.Equal(Lodestar.Journeys.Channels.All.Order(), ChannelServiceCollectionExtensions.ConfiguredChannels(config).Order());
    }

    [Fact]
    public void AddChannelSenders_NothingConfigured_NoSender()
    {
        using var provider = new ServiceCollection().AddChannelSenders(Config(("Other:Key", "x"))).BuildServiceProvider();

        Assert.Empty(provider.GetServices<IChannelSender>());
    }

    [Fact]
    public void AddChannelSenders_MissingEndpointAndHubName_ErrorNamesEverySetting()
    {
        var config = Config(
            ("Channels:Email:Sender", "DoNotReply@news.example.com"),
            ("Channels:Sms:Endpoint", "http://lodestar.communication.azure.com"),
            ("Channels:Sms:From", "+18005550100"),
            ("Channels:Push:ConnectionString", $"Endpoint=sb://lodestar.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={AccessKey}"),
            ("Channels:MiniProgram:AppId", "wx1234567890abcdef"));

        var error = Assert.Throws<ChannelConfigurationException>(() => new ServiceCollection().AddChannelSenders(config));

        Assert.Contains(error.Problems, p => p.StartsWith("Channels:Email:Endpoint", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Channels:Sms:Endpoint must be an absolute https URL", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Channels:Push:HubName", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Channels:MiniProgram:AppSecret", StringComparison.Ordinal));
        Assert.Equal(4, error.Problems.Count);
    }

    [Fact]
    public void AddChannelSenders_ConnectionStringWithoutKey_Error()
    {
        var config = Config(("Channels:Sms:ConnectionString", "endpoint=https://lodestar.communication.azure.com/"), ("Channels:Sms:From", "+18005550100"));

        var error = Assert.Throws<ChannelConfigurationException>(() => new ServiceCollection().AddChannelSenders(config));

        Assert.Contains("accesskey", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddChannelSenders_BoundSettings_SendThroughTheFake()
    {
        await using var fake = await AcsSmsFake.StartAsync();
        var config = Config(
            ("Channels:Sms:ConnectionString", fake.ConnectionString),
            ("Channels:Sms:From", "+18005550100"),
            ("Channels:Sms:EnableDeliveryReport", "false"),
            ("Channels:Sms:RetryDelay", "00:00:00.020"));
        using var provider = new ServiceCollection().AddChannelSenders(config).BuildServiceProvider();
        var sender = Assert.Single(provider.GetServices<IChannelSender>());

        var receipt = await sender.SendAsync(Messages.Sms(), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.Equal(Channel.Sms, sender.Channel);
        Assert.Empty(fake.Service.Violations);
        var body = System.Text.Json.Nodes.JsonNode.Parse(fake.Service.Requests.Single().Body)!;
        Assert.False(body["smsSendOptions"]!["enableDeliveryReport"]!.GetValue<bool>());
    }
}
