using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Identity;

/// <summary>
/// Turns raw personal identifiers into keyed hashes (HMAC-SHA256) and masked display forms (PIPL). The key comes
/// from configuration; without the key a hash cannot be reversed by trying all phone numbers. Phone numbers and emails
/// are also sealed (<see cref="Identifier.Sealed"/>) so that a sender holding this protector can recover the address
/// (<see cref="Unseal"/>, docs/adr/0007); national ids are not, since nothing ever sends to them.
/// </summary>
public sealed class PiiProtector
{
    private readonly byte[] _key;
    private readonly ContactSealer _sealer;

    public PiiProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length < 32)
        {
            throw new ArgumentException("The PII hashing key must be at least 32 bytes.", nameof(key));
        }
        _key = key.ToArray();
        _sealer = new ContactSealer(key);
    }

    /// <summary>Builds the identifier for an already normalised value (E.164 phone, lower-case email, upper-case id).</summary>
    public Identifier Protect(IdKind kind, string normalised)
    {
        if (!Identifier.IsPersonal(kind))
        {
            return new Identifier(kind, normalised, normalised);
        }
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{kind}|{normalised}"), mac);
        var key = Convert.ToBase64String(mac[..20]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new Identifier(kind, key, Mask(kind, normalised))
        {
            // The key shows bytes 0-19 of the MAC; the other 12 are the seal's nonce (see ContactSealer).
            Sealed = ContactSealer.Seals(kind) ? _sealer.Seal(kind, normalised, mac[20..]) : null,
        };
    }

    /// <summary>
    /// The address sealed in <paramref name="sealedText"/> (a <see cref="Identifier.Sealed"/> or a profile's contact
    /// point) when it was sealed under this protector's key for <paramref name="kind"/>; null otherwise. For the channel
    /// senders only: the result is the raw address and belongs in a provider request, never in a log, file or response.
    /// </summary>
    public string? Unseal(IdKind kind, string sealedText) => _sealer.Unseal(kind, sealedText);

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
