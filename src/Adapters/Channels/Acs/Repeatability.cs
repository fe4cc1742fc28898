using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Messaging.Acs;

/// <summary>
/// The ACS repeatability pair for a message: <c>Repeatability-Request-ID</c> is a UUID derived from the message id
/// (RFC 9562 version 8, from SHA-256), so every retry, restart and replay of one message presents the same id and the
/// service executes it at most once; <c>Repeatability-First-Sent</c> is the RFC 1123 time of the first attempt.
/// </summary>
public static class Repeatability
{
    public const string RequestIdHeader = "Repeatability-Request-ID";
    public const string FirstSentHeader = "Repeatability-First-Sent";

    public static Guid RequestIdFor(string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("lodestar/repeatability/" + messageId), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8 (custom, name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>RFC 1123 (<c>Mon, 01 Apr 2019 06:22:03 GMT</c>), as ACS expects it.</summary>
    public static string FirstSent(DateTimeOffset firstAttemptAt) =>
        firstAttemptAt.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
}
