using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Api;

/// <summary>Secrets the API checks requests against; both come from configuration (never from the request).</summary>
public sealed record ApiSecrets(string WriteKey, string MiniProgramSecret);

/// <summary>Request authentication: Segment's write key (HTTP Basic, key as user name) and the mini-program HMAC signature.</summary>
public static class Credentials
{
    /// <summary>Header carrying <c>sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c> for mini-program webhooks.</summary>
    public const string SignatureHeader = "X-Lodestar-Signature";

    public static string? CheckWriteKey(HttpRequest request, string writeKey)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var auth)
            || !string.Equals(auth.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || auth.Parameter is null)
        {
            return "send the write key as the HTTP Basic user name (Authorization: Basic base64(writeKey + ':'))";
        }
        string user;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth.Parameter));
            user = decoded.Split(':', 2)[0];
        }
        catch (FormatException)
        {
            return "the Basic credentials are not valid base64";
        }
        return FixedTimeEquals(user, writeKey) ? null : "unknown write key";
    }

    public static string? CheckSignature(HttpRequest request, ReadOnlySpan<byte> body, string secret)
    {
        var header = request.Headers[SignatureHeader].ToString();
        if (!header.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return $"sign the raw body with HMAC-SHA256 and send {SignatureHeader}: sha256=<hex>";
        }
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        return FixedTimeEquals(header["sha256=".Length..].ToLowerInvariant(), expected) ? null : "signature does not match the body";
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
