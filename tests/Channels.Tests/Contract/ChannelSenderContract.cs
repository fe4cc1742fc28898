using System.Net;
using System.Net.Sockets;
using Lodestar.Journeys;
using Lodestar.Messaging;

namespace Lodestar.Tests.Channels.Contract;

/// <summary>
/// What every <see cref="IChannelSender"/> promises, run against each adapter and its fake service: it names its
/// channel, answers a receipt (never an exception) for what the provider or the network does, and refuses a message
/// of another channel as a programming error.
/// </summary>
public abstract class ChannelSenderContract : IAsyncLifetime
{
    protected abstract Channel Channel { get; }

    protected abstract OutboundMessage Message(string messageId);

    /// <summary>Starts the fake service and returns a sender pointed at it.</summary>
    protected abstract Task<IChannelSender> StartAsync();

    /// <summary>A sender whose service address refuses connections.</summary>
    protected abstract IChannelSender SenderFor(Uri unreachable);

    protected abstract ValueTask StopAsync();

    protected HttpClient Http { get; } = new();

    private IChannelSender sender = null!;

    public async ValueTask InitializeAsync() => sender = await StartAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
    }

    [Fact]
    public void Sender_NamesItsChannel() => Assert.Equal(Channel, sender.Channel);

    [Fact]
    public async Task Send_ProviderTakesIt_AcceptedWithTheProviderId()
    {
        var receipt = await sender.SendAsync(Message("contract/1"), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Accepted, receipt.Status);
        Assert.False(string.IsNullOrWhiteSpace(receipt.ProviderMessageId));
    }

    [Fact]
    public async Task Send_TwoMessages_TwoProviderIds()
    {
        var first = await sender.SendAsync(Message("contract/1"), TestContext.Current.CancellationToken);
        var second = await sender.SendAsync(Message("contract/2"), TestContext.Current.CancellationToken);

        Assert.NotEqual(first.ProviderMessageId, second.ProviderMessageId);
    }

    [Fact]
    public async Task Send_MessageOfAnotherChannel_ArgumentException()
    {
        var other = Message("contract/1") with { Channel = (Channel)(((int)Channel + 1) % 4) };

        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendAsync(other, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Send_ServiceUnreachable_FailedReceiptNotException()
    {
        var receipt = await SenderFor(ClosedPort()).SendAsync(Message("contract/1"), TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.False(string.IsNullOrWhiteSpace(receipt.Reason));
    }

    /// <summary>A loopback address nobody listens on: a port the OS handed out and that was closed again.</summary>
    private static Uri ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}
