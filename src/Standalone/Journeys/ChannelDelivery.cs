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
/// stay with the outbox files. The raw address lives only in the request; the outbox line shows it masked.
/// </summary>
public sealed class ChannelDelivery(IReadOnlyDictionary<Channel, IChannelSender> senders, MessageRenderer renderer)
{
    public IReadOnlyCollection<Channel> Channels => [.. senders.Keys];

    /// <summary>
    /// The adapters configured under <c>Channels</c> (environment <c>Channels__Push__HubName</c> and so on; see
    /// src/Adapters/Channels), with the template folder (<c>Lodestar__Templates</c>, else the nearest <c>templates</c>
    /// folder); null when no channel is configured, which keeps every channel on the outbox files.
    /// </summary>
    public static ChannelDelivery? FromConfiguration(IConfiguration configuration, ILoggerFactory loggers)
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
        return new ChannelDelivery(senders, new MessageRenderer(TemplateCatalog.Load(folder)));
    }

    public bool Handles(Channel channel) => senders.ContainsKey(channel);

    public async Task<DeliveryReceipt> SendAsync(OutboxMessage message, Profile? profile, CancellationToken cancellationToken)
    {
        if (profile is null)
        {
            return new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: "the customer is unknown or erased");
        }
        if (Address(profile, message.Channel) is not { } address)
        {
            return new DeliveryReceipt(DeliveryStatus.InvalidAddress, Reason: $"no {message.Channel.Name()} address on file for the customer");
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

    /// <summary>
    /// Push goes to the customer's installation tag and mini-program messages to the openid (neither is personal data in the
    /// sense of docs/adr/0002, so the profile holds them as they are). Email and SMS addresses are held only as keyed hashes,
    /// so they have no address here (docs/adr/0007).
    /// </summary>
    public static string? Address(Profile profile, Channel channel) => channel switch
    {
        Channel.Push => "customer:" + profile.Id.Value,
        Channel.MiniProgram => profile.Identities.FirstOrDefault(i => i.Kind == IdKind.OpenId)?.Display,
        _ => null,
    };
}
