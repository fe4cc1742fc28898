using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lodestar.Messaging.Push;

/// <summary>
/// A Notification Hubs connection string, and the SAS tokens it mints (REST "common concepts"):
/// <c>SharedAccessSignature sr={url-encoded resource URI}&amp;sig={url-encoded Base64 HMAC-SHA256}&amp;se={unix expiry}&amp;skn={key name}</c>,
/// where the signature covers <c>"{encoded URI}\n{expiry}"</c> keyed with the UTF-8 bytes of the key.
/// </summary>
public sealed class HubConnection
{
    private readonly byte[] key;

    private HubConnection(Uri endpoint, string keyName, string key)
    {
        Endpoint = endpoint;
        KeyName = keyName;
        this.key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The namespace's https address (from <c>Endpoint=sb://…</c>).</summary>
    public Uri Endpoint { get; }

    public string KeyName { get; }

    public static HubConnection Parse(string connectionString) =>
        TryParse(connectionString, out var connection, out var problem) ? connection! : throw new FormatException("Notification Hubs connection string " + problem + ".");

    public static bool TryParse(string connectionString, out HubConnection? connection, out string? problem)
    {
        connection = null;
        string? endpoint = null, keyName = null, key = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var (name, value) = (part[..eq], part[(eq + 1)..]);
            if (name.Equals("Endpoint", StringComparison.OrdinalIgnoreCase))
            {
                endpoint = value;
            }
            else if (name.Equals("SharedAccessKeyName", StringComparison.OrdinalIgnoreCase))
            {
                keyName = value;
            }
            else if (name.Equals("SharedAccessKey", StringComparison.OrdinalIgnoreCase))
            {
                key = value;
            }
        }
        if (endpoint is null || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            problem = "needs Endpoint=sb://<namespace>.servicebus.windows.net/";
            return false;
        }
        if (string.IsNullOrEmpty(keyName) || string.IsNullOrEmpty(key))
        {
            problem = "needs SharedAccessKeyName and SharedAccessKey";
            return false;
        }
        var https = uri.Scheme == "sb" ? new UriBuilder(uri) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri : uri;
        connection = new HubConnection(https, keyName, key);
        problem = null;
        return true;
    }

    /// <summary>A token for <paramref name="resource"/> (the hub's URI; it covers every path below it) valid until <paramref name="expires"/>.</summary>
    public string SasToken(Uri resource, DateTimeOffset expires)
    {
        var encodedUri = Uri.EscapeDataString(resource.AbsoluteUri.TrimEnd('/').ToLowerInvariant());
        var expiry = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(encodedUri + "\n" + expiry)));
        return $"SharedAccessSignature sr={encodedUri}&sig={Uri.EscapeDataString(signature)}&se={expiry}&skn={Uri.EscapeDataString(KeyName)}";
    }
}
