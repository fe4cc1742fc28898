using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Lodestar.Messaging.Acs;

/// <summary>
/// Signs each attempt with the documented ACS access-key scheme: <c>x-ms-date</c> (RFC 1123), <c>x-ms-content-sha256</c>
/// (Base64 SHA-256 of the body) and <c>Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=…</c>
/// over <c>VERB\nPathAndQuery\ndate;host;contentHash</c>. It runs per retry, so a retried request carries a fresh date.
/// </summary>
internal sealed class AcsHmacPolicy(byte[] accessKey, TimeProvider timeProvider) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var uri = request.Uri.ToUri();
        var contentHash = ContentHash(request.Content, message.CancellationToken);
        var date = timeProvider.GetUtcNow().ToString("r", CultureInfo.InvariantCulture);
        var stringToSign = string.Create(CultureInfo.InvariantCulture,
            $"{request.Method.Method.ToUpperInvariant()}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}");
        var signature = Convert.ToBase64String(HMACSHA256.HashData(accessKey, Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.SetValue("x-ms-date", date);
        request.Headers.SetValue("x-ms-content-sha256", contentHash);
        request.Headers.SetValue(HttpHeader.Names.Authorization,
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature);
    }

    private static string ContentHash(RequestContent? content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        content?.WriteTo(buffer, cancellationToken);
        return Convert.ToBase64String(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }
}
