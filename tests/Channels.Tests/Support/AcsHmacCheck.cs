using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lodestar.Tests.Channels.Support;

/// <summary>
/// The ACS access-key signature checked the way the service checks it, written from the documentation
/// (communication-services hmac-header tutorial), independently of the adapter's code.
/// </summary>
public static partial class AcsHmacCheck
{
    [GeneratedRegex("^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(?<sig>[A-Za-z0-9+/=]+)$")]
    private static partial Regex AuthorizationPattern();

    /// <summary>Every way <paramref name="request"/> breaks the scheme for <paramref name="base64Key"/>; empty when signed right.</summary>
    public static IEnumerable<string> Problems(RecordedRequest request, string base64Key)
    {
        var date = request.Header("x-ms-date");
        var hash = request.Header("x-ms-content-sha256");
        var authorization = request.Header("Authorization");
        if (date is null || hash is null || authorization is null)
        {
            yield return "missing x-ms-date, x-ms-content-sha256 or Authorization";
            yield break;
        }
        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            || (DateTimeOffset.UtcNow - when).Duration() > TimeSpan.FromMinutes(15))
        {
            yield return "x-ms-date is not a current RFC 1123 date";
        }
        if (hash != Convert.ToBase64String(SHA256.HashData(request.Body)))
        {
            yield return "x-ms-content-sha256 is not the SHA-256 of the body";
        }
        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            yield return "Authorization is not 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=…'";
            yield break;
        }
        var stringToSign = $"{request.Method}\n{request.RawTarget}\n{date};{request.Host};{hash}";
        using var hmac = new HMACSHA256(Convert.FromBase64String(base64Key));
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
        if (match.Groups["sig"].Value != expected)
        {
            yield return "signature does not verify";
        }
    }
}
