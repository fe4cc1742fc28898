using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Identity;

/// <summary>
/// The contact vault (docs/adr/0007): seals a normalised phone number or email with AES-256-GCM so that a sender can
/// recover it, and nothing else can. The key is derived from the PII key by HKDF-SHA256 under its own label, so the
/// hashes and the seals never share a key.
/// </summary>
/// <remarks>
/// The nonce is not random: it is 12 bytes of the identifier's keyed hash that the stored key does not show (bytes
/// 20–31 of HMAC-SHA256(PII key, kind|value); the key shows bytes 0–19). Equal values therefore seal to equal text,
/// which records that compare by value need, no randomness enters the Domain, and a nonce repeats only when the
/// plaintext does (the SIV idea: the one thing that leaks is equality, which the hash already shows). Sealed text is
/// <c>s1.</c> + base64url(nonce ‖ ciphertext ‖ tag); the kind is bound in as associated data, so an email's seal never
/// opens as a phone number.
/// </remarks>
internal sealed class ContactSealer
{
    /// <summary>Names the scheme: this key label, AES-256-GCM, 12-byte nonce, 16-byte tag. A new scheme takes a new prefix.</summary>
    public const string Prefix = "s1.";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Label = "lodestar/contact-seal/v1"u8.ToArray();

    // AesGcm instances are not safe for concurrent use; one instance behind a lock costs far less than a key schedule
    // per call (measured in docs/adr/0007).
    private readonly AesGcm _aes;
    private readonly Lock _gate = new();

    public ContactSealer(ReadOnlySpan<byte> piiKey)
    {
        Span<byte> key = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, piiKey, key, salt: [], info: Label);
        _aes = new AesGcm(key, TagSize);
        CryptographicOperations.ZeroMemory(key);
    }

    public static bool Seals(IdKind kind) => kind is IdKind.Phone or IdKind.Email;

    /// <summary>Seals <paramref name="normalised"/>; <paramref name="nonceSource"/> is the unshown tail of its keyed hash.</summary>
    public string Seal(IdKind kind, string normalised, ReadOnlySpan<byte> nonceSource)
    {
        var plain = Encoding.UTF8.GetBytes(normalised);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        nonceSource[..NonceSize].CopyTo(nonce);
        lock (_gate)
        {
            _aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Associated(kind));
        }
        return Prefix + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The value sealed under this key for <paramref name="kind"/>; null for anything else (other key or kind, altered text).</summary>
    public string? Unseal(IdKind kind, string sealedText)
    {
        if (!Seals(kind) || !sealedText.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(sealedText.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            return null;
        }
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            lock (_gate)
            {
                _aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, Associated(kind));
            }
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        return Encoding.UTF8.GetString(plain);
    }

    private static ReadOnlySpan<byte> Associated(IdKind kind) => kind == IdKind.Phone ? "lodestar/contact-seal/v1|phone"u8 : "lodestar/contact-seal/v1|email"u8;
}
