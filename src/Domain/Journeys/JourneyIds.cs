using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Lodestar.Customers;

namespace Lodestar.Journeys;

/// <summary>
/// Ids and randomness derived by hashing, never drawn: the same inputs give the same instance id, message id and A/B
/// bucket on every host and every replay, which makes retries and replays harmless.
/// </summary>
public static class JourneyIds
{
    /// <summary>The instance of a journey for a customer and an entry key (business key, trigger message id or entry instant).</summary>
    public static string Instance(string journeyId, CustomerId customer, string entryKey)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash(hash, journeyId, customer.Value, entryKey);
        return "ji_" + Convert.ToHexStringLower(hash[..12]);
    }

    /// <summary>The message a send node sends on its n-th attempt in an instance.</summary>
    public static string Message(string instanceId, string nodeId, int attempt)
    {
        Span<byte> hash = stackalloc byte[32];
        Span<char> number = stackalloc char[11];
        attempt.TryFormat(number, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        Hash(hash, instanceId, nodeId, number[..written]);
        return "msg_" + Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>The readable idempotency key the sender deduplicates on: instance, node, attempt.</summary>
    public static string IdempotencyKey(string instanceId, string nodeId, int attempt) => $"{instanceId}:{nodeId}:{attempt}";

    /// <summary>A customer's sticky position in [0, 1) for a split node: SHA-256 of (journey, node, customer).</summary>
    public static double Bucket(string journeyId, string nodeId, CustomerId customer)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash(hash, journeyId, nodeId, customer.Value);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    private static void Hash(Span<byte> destination, ReadOnlySpan<char> a, ReadOnlySpan<char> b, ReadOnlySpan<char> c)
    {
        var length = Encoding.UTF8.GetMaxByteCount(a.Length + b.Length + c.Length + 2);
        var rented = length <= 512 ? null : new byte[length];
        var buffer = rented ?? stackalloc byte[512];
        var n = Encoding.UTF8.GetBytes(a, buffer);
        buffer[n++] = 0x1f;
        n += Encoding.UTF8.GetBytes(b, buffer[n..]);
        buffer[n++] = 0x1f;
        n += Encoding.UTF8.GetBytes(c, buffer[n..]);
        // One hasher per thread: the one-shot API pays a native context set-up per call (about half the cost here).
        (_sha256 ??= SHA256.Create()).TryComputeHash(buffer[..n], destination, out _);
    }

    [ThreadStatic]
    private static SHA256? _sha256;
}
