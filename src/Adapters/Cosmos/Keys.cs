using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Cosmos;

/// <summary>
/// Document ids. Everything the ingest path looks up without knowing the customer (identity graph keys, message ids,
/// content fingerprints) lives in the identities container under <c>idHash</c> = SHA-256 of a typed key, which is also
/// the partition key: each lookup is a point read, and a batch of them one ReadMany. Hashing keeps ids within Cosmos's
/// character rules whatever a producer puts in a message id or member id.
/// </summary>
internal static class Keys
{
    public const string IdentityType = "identity";
    public const string MessageType = "message";
    public const string FingerprintType = "fingerprint";

    public static string Identity(string graphKey) => Hash(IdentityType, graphKey);

    public static string Message(string messageId) => Hash(MessageType, messageId);

    public static string Fingerprint(string key) => Hash(FingerprintType, key);

    public static string Quarantine(string messageId, int line) => Hash("quarantine", $"{messageId}|{line}");

    /// <summary>The identities document that points a provider's message id at our send (the delivery ledger).</summary>
    public static string ProviderMessage(string providerMessageId) => Hash(ProviderMessageType, providerMessageId);

    public const string ProviderMessageType = "providerMessage";

    /// <summary>An engagement fact's id in its message's partition: one per provider event id.</summary>
    public static string Fact(string eventId) => Hash("fact", eventId);

    /// <summary>A feedback report that could not be placed, in the deadLetters container: one per provider event id.</summary>
    public static string FeedbackDeadLetter(string eventId) => Hash("feedback", eventId);

    /// <summary>An event's id is its message id (a redelivery lands on the same document) unless that is no legal id.</summary>
    public static string Event(string messageId) =>
        messageId.Length is > 0 and <= 255 && messageId.AsSpan().IndexOfAny(Illegal) < 0 ? messageId : "h-" + Hash("event", messageId);

    private static readonly System.Buffers.SearchValues<char> Illegal = System.Buffers.SearchValues.Create("/\\?#");

    private static string Hash(string type, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}|{key}")));
}
