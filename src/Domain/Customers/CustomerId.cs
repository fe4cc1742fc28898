using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Customers;

/// <summary>
/// The one id a customer has across every channel. Derived from the identifier that first created the
/// customer, so the same first event always yields the same id on any host and any replay.
/// </summary>
public readonly record struct CustomerId
{
    private CustomerId(string value) => Value = value;

    public string Value { get; }

    public static CustomerId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not a customer id (c_ followed by 16 hex digits).");

    public static bool TryParse(string? value, out CustomerId id)
    {
        id = default;
        if (value is null || value.Length != 18 || !value.StartsWith("c_", StringComparison.Ordinal)
            || !value.AsSpan(2).ContainsOnlyHexLowercase())
        {
            return false;
        }
        id = new CustomerId(value);
        return true;
    }

    /// <summary>The id of a customer first seen with <paramref name="seed"/> (a protected identity key).</summary>
    public static CustomerId DerivedFrom(string seed)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed), hash);
        return new CustomerId("c_" + Convert.ToHexStringLower(hash[..8]));
    }

    public override string ToString() => Value;
}

internal static class SpanHex
{
    public static bool ContainsOnlyHexLowercase(this ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return true;
    }
}
