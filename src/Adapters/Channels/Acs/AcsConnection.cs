using Azure.Core;
using Azure.Identity;

namespace Lodestar.Messaging.Acs;

/// <summary>
/// How an ACS client reaches and authenticates to its resource: a connection string
/// (<c>endpoint=https://…;accesskey=…</c>) signs every request with the documented HMAC-SHA256 scheme; an endpoint alone
/// uses a Microsoft Entra token (managed identity in Azure, <see cref="DefaultAzureCredential"/> elsewhere).
/// </summary>
public sealed class AcsConnection
{
    /// <summary>The Entra scope of the ACS data plane (the double slash is what every Azure SDK sends).</summary>
    public const string Scope = "https://communication.azure.com//.default";

    private AcsConnection(Uri endpoint, byte[]? accessKey, TokenCredential? credential)
    {
        Endpoint = endpoint;
        AccessKey = accessKey;
        Credential = credential;
    }

    public Uri Endpoint { get; }

    /// <summary>The decoded access key when signing with HMAC; null with Entra.</summary>
    internal byte[]? AccessKey { get; }

    public TokenCredential? Credential { get; }

    public static AcsConnection WithAccessKey(Uri endpoint, string base64AccessKey) =>
        new(endpoint, Convert.FromBase64String(base64AccessKey), null);

    public static AcsConnection WithCredential(Uri endpoint, TokenCredential credential) => new(endpoint, null, credential);

    /// <summary>
    /// The connection for validated settings: the connection string when given (an explicit endpoint then overrides its
    /// endpoint, for tests and private links), else the endpoint with <paramref name="credential"/> or the default one.
    /// </summary>
    internal static AcsConnection From(string? endpoint, string? connectionString, string? clientId, TokenCredential? credential)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var (csEndpoint, key) = ParseConnectionString(connectionString);
            return WithAccessKey(string.IsNullOrWhiteSpace(endpoint) ? csEndpoint! : new Uri(endpoint), key!);
        }
        credential ??= string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return WithCredential(new Uri(endpoint!), credential);
    }

    /// <summary>Every problem with one ACS channel's settings, each naming the setting under <paramref name="section"/>.</summary>
    internal static void Validate(string section, string? endpoint, string? connectionString, List<string> errors)
    {
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var (csEndpoint, key) = ParseConnectionString(connectionString);
            if (csEndpoint is null)
            {
                errors.Add($"{section}:ConnectionString needs endpoint=https://<resource>.communication.azure.com/.");
            }
            if (key is null)
            {
                errors.Add($"{section}:ConnectionString needs accesskey=<base64 key>.");
            }
            else if (!IsBase64(key))
            {
                errors.Add($"{section}:ConnectionString accesskey is not base64.");
            }
        }
        else if (string.IsNullOrWhiteSpace(endpoint))
        {
            errors.Add($"{section}:Endpoint (https://<resource>.communication.azure.com) or {section}:ConnectionString is required.");
        }
        else if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"{section}:Endpoint must be an absolute https URL; Entra tokens are only sent over TLS.");
        }
        if (!string.IsNullOrWhiteSpace(connectionString) && !string.IsNullOrWhiteSpace(endpoint)
            && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            errors.Add($"{section}:Endpoint must be an absolute URL.");
        }
    }

    internal static void ValidateRequestSettings(string section, string? apiVersion, int maxRetries, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(apiVersion))
        {
            errors.Add($"{section}:ApiVersion must not be empty.");
        }
        if (maxRetries is < 0 or > 10)
        {
            errors.Add($"{section}:MaxRetries must be between 0 and 10.");
        }
    }

    /// <summary>The endpoint and access key of <c>endpoint=…;accesskey=…</c> (keys case-insensitive); null parts when absent.</summary>
    internal static (Uri? Endpoint, string? AccessKey) ParseConnectionString(string connectionString)
    {
        Uri? endpoint = null;
        string? key = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var name = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            if (name.Equals("endpoint", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(value, UriKind.Absolute, out var uri))
            {
                endpoint = uri;
            }
            else if (name.Equals("accesskey", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                key = value;
            }
        }
        return (endpoint, key);
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }
}
