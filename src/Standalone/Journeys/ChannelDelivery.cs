using Lodestar.Content;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Messaging;
using Lodestar.Profiles;

namespace Lodestar.Standalone.Journeys;

/// <summary>
/// Hands outbox rows to the real channel adapters that are configured (<c>Channels__*</c> settings): finds the customer's
/// address, renders the row's template for the customer, and returns the provider's receipt. Channels without an adapter
/// stay with the outbox files. The raw address lives only in the request; the outbox line shows it masked. Email and
/// SMS addresses are unsealed from the profile's contact points with <paramref name="pii"/> (docs/adr/0007); without
/// it those channels have no address.
/// </summary>
public sealed class ChannelDelivery(IReadOnlyDictionary<Channel, IChannelSender> senders, MessageRenderer renderer, PiiProtector? pii = null)
{
    public IReadOnlyCollection<Channel> Channels => [.. senders.Keys];

    /// <summary>
    /// The adapters configured under <c>Channels</c> (environment <c>Channels__Push__HubName</c> and so on; see
    /// src/Adapters/Channels), with the template folder (<c>Lodestar__Templates</c>, else the nearest <c>templates</c>
    /// folder); null when no channel is configured, which keeps every channel on the outbox files. <paramref name="pii"/>
    /// is the host's protector, whose key unseals the email and SMS addresses.
    /// </summary>
    public static ChannelDelivery? FromConfiguration(IConfiguration configuration, ILoggerFactory loggers, PiiProtector? pii = null)
    {
        if (ChannelServiceCollectionExtensions.ConfiguredChannels(configuration).Count == 0)
        {
            return null;
        }
        var folder = TemplateCatalog.Locate(Directory.GetCurrentDirectory(), configuration["Lodestar:Templates"])
            ?? throw new InvalidOperationException("Channels are configured but no template folder was found: set Lodestar__Templates.");
        var services = new ServiceCollection().AddSingleton(loggers).AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        var provider = services.AddChannelSenders(configuration).BuildServiceProvider();
        var senders = provider.GetServices<IChannelSender>().ToDictionary(s => s.Channel);
        return new ChannelDelivery(senders, new MessageRenderer(TemplateCatalog.Load(folder)), pii);
    }

    public bool Handles(Channel channel) => senders.ContainsKey(channel);

    public async Task<DeliveryReceipt> SendAsync(OutboxMessage message, Profile? profile, CancellationToken cancellationToken)
    {
        if (profile is null)
        {
            return new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: "the customer is unknown or erased");
        }
        if (ContactAddresses.Of(profile, message.Channel, pii) is not { } address)
        {
            return new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: ContactAddresses.WhyMissing(profile, message.Channel));
        }
        var model = MessageModel.FromProfile(profile, message.Offer is null ? null : new OfferView(message.Offer, message.Offer));
        var rendered = renderer.Render(message.Template, message.Channel, null, model);
        if (rendered.Content is null)
        {
            return new DeliveryReceipt(DeliveryStatus.Failed, Reason: "template: " + string.Join("; ", rendered.Problems.Select(p => p.ToString())));
        }
        return await senders[message.Channel].SendAsync(new OutboundMessage(message.MessageId, message.Channel, message.Customer, address,
            rendered.Content, message.Transactional, message.CreatedAt, message.Campaign, message.Template), cancellationToken);
    }
}
