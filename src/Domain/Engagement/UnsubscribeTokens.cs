using System.Security.Cryptography;
using System.Text;
using Lodestar.Customers;
using Lodestar.Journeys;

namespace Lodestar.Engagement;

/// <summary>What an unsubscribe token names: the customer, the channel and, when the link was in one message, its id.</summary>
public sealed record UnsubscribeClaim(CustomerId Customer, Channel Channel, string? MessageId);

/// <summary>
/// Signed unsubscribe tokens for links in messages: <c>base64url(v1|customer|channel|messageId)</c> "." 
/// <c>base64url(HMAC-SHA256)</c>. They carry no personal data (the customer id is a hash) and do not expire: an
/// unsubscribe link must keep working as long as the message may be read.
/// </summary>
public sealed class UnsubscribeTokens
{
    private const string Version = "v1";
    private readonly byte[] _key;

    public UnsubscribeTokens(byte[] key)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("the signing key needs at least 16 bytes", nameof(key));
        }
        _key = key;
    }

    /// <summary>A signing key derived from a master secret (the PII key), so hosts need no extra setting.</summary>
    public static byte[] DeriveKey(byte[] master) => HMACSHA256.HashData(master, "lodestar/unsubscribe/v1"u8);

    public string Issue(CustomerId customer, Channel channel, string? messageId = null)
    {
        if (messageId?.Contains('|', StringComparison.Ordinal) == true)
        {
            throw new ArgumentException("a message id in a token may not contain '|'", nameof(messageId));
        }
        var payload = Encoding.UTF8.GetBytes($"{Version}|{customer.Value}|{channel.Name()}|{messageId}");
        return Base64Url(payload) + "." + Base64Url(HMACSHA256.HashData(_key, payload));
    }

    public bool TryRead(string? token, out UnsubscribeClaim? claim)
    {
        claim = null;
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0 || token.Length > 512)
        {
            return false;
        }
        if (!TryDecode(token[..dot], out var payload) || !TryDecode(token[(dot + 1)..], out var signature)
            || !CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
        {
            return false;
        }
        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 4 || parts[0] != Version || !CustomerId.TryParse(parts[1], out var customer) || !Channels.TryParse(parts[2], out var channel))
        {
            return false;
        }
        claim = new UnsubscribeClaim(customer, channel, parts[3].Length == 0 ? null : parts[3]);
        return true;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecode(string s, out byte[] bytes)
    {
        var b64 = s.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        bytes = [];
        if (b64.Length % 4 != 0)
        {
            return false;
        }
        try
        {
            bytes = Convert.FromBase64String(b64);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
