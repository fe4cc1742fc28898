using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Identity;

/// <summary>
/// Turns raw personal identifiers into keyed hashes (HMAC-SHA256) and masked display forms (PIPL). The key comes
/// from configuration; without the key a hash cannot be reversed by trying all phone numbers.
/// </summary>
public sealed class PiiProtector
{
    private readonly byte[] _key;

    public PiiProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The PII hashing key must be at least 32 bytes.", nameof(key));
        }
        _key = key.ToArray();
    }

    /// <summary>Builds the identifier for an already normalised value (E.164 phone, lower-case email, upper-case id).</summary>
    public Identifier Protect(IdKind kind, string normalised) => Identifier.IsPersonal(kind)
        ? new Identifier(kind, Hash(kind, normalised), Mask(kind, normalised))
        : new Identifier(kind, normalised, normalised);

    private string Hash(IdKind kind, string value)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{kind}|{value}"), mac);
        return Convert.ToBase64String(mac[..20]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Masked display forms: +8613812341234 → 138****1234, alice@example.com → a***@example.com, id → 1101**********1234.</summary>
    public static string Mask(IdKind kind, string value) => kind switch
    {
        IdKind.Phone => MaskPhone(value),
        IdKind.Email => MaskEmail(value),
        IdKind.NationalId => value.Length <= 8 ? new string('*', value.Length) : value[..4] + new string('*', value.Length - 8) + value[^4..],
        _ => value,
    };

    private static string MaskPhone(string e164)
    {
        var national = e164.StartsWith("+86", StringComparison.Ordinal) ? e164[3..] : e164.TrimStart('+');
        return national.Length < 7 ? new string('*', national.Length) : national[..3] + "****" + national[^4..];
    }

    private static string MaskEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : email[..1] + "***" + email[at..];
    }
}
