using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Profiles;

namespace Lodestar.Messaging;

/// <summary>The address a provider needs for a customer on a channel; both hosts' senders find it here.</summary>
public static class ContactAddresses
{
    /// <summary>
    /// Push goes to the customer's installation tag and mini-program messages to the openid (neither is personal data in
    /// the sense of house rule 7, so the profile holds them as they are). Email and SMS go to the customer's most recent
    /// email or phone number, unsealed from the profile's contact point (docs/adr/0007). Null when there is none, when it
    /// does not unseal under this key, or without a protector. The result is raw: keep it in memory, for the request.
    /// </summary>
    public static string? Of(Profile profile, Channel channel, PiiProtector? pii) => channel switch
    {
        Channel.Push => "customer:" + profile.Id.Value,
        Channel.MiniProgram => profile.Identities.FirstOrDefault(i => i.Kind == IdKind.OpenId)?.Display,
        _ when SealedKind(channel) is { } kind && pii is not null && profile.Contact(kind) is { } contact => pii.Unseal(kind, contact.Sealed),
        _ => null,
    };

    /// <summary>Why <see cref="Of"/> found no address: none on file, or one that does not unseal under the host's key.</summary>
    public static string WhyMissing(Profile profile, Channel channel) => SealedKind(channel) is { } kind && profile.Contact(kind) is not null
        ? $"the {channel.Name()} address on file does not unseal under this host's PII key"
        : $"no {channel.Name()} address on file for the customer";

    private static IdKind? SealedKind(Channel channel) => channel switch
    {
        Channel.Email => IdKind.Email,
        Channel.Sms => IdKind.Phone,
        _ => null,
    };
}
