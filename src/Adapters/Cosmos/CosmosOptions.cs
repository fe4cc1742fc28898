using System.Net;
using Microsoft.Extensions.Options;

namespace Lodestar.Cosmos;

/// <summary>
/// Where the customer store lives (configuration section <c>Cosmos</c>, e.g. <c>Cosmos__accountEndpoint</c>). In Azure
/// the app authenticates with its managed identity (DefaultAzureCredential); there is no key setting for Azure.
/// </summary>
public sealed class CosmosOptions
{
    public const string Section = "Cosmos";

    /// <summary>The account's document endpoint, e.g. <c>https://cosmos-lodestar.documents.azure.com:443/</c>.</summary>
    public Uri? AccountEndpoint { get; set; }

    public string Database { get; set; } = "lodestar";

    /// <summary>Local stand-in only (loopback endpoint): the key it expects in the request signature (it ignores it).</summary>
    public string? LocalKey { get; set; }

    /// <summary>Local stand-in only: SHA-256 of its TLS certificate (hex); the client trusts that certificate and no other.</summary>
    public string? LocalCertificateSha256 { get; set; }

    internal bool IsLocalStandIn => LocalKey is not null;
}

/// <summary>Fails start-up on settings that cannot work, and refuses a key anywhere but on a pinned loopback stand-in.</summary>
public sealed class CosmosOptionsValidator : IValidateOptions<CosmosOptions>
{
    public ValidateOptionsResult Validate(string? name, CosmosOptions options)
    {
        var errors = new List<string>();
        if (options.AccountEndpoint is not { IsAbsoluteUri: true } endpoint || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("Cosmos:AccountEndpoint must be an absolute https URI (the account's document endpoint).");
        }
        if (string.IsNullOrWhiteSpace(options.Database))
        {
            errors.Add("Cosmos:Database must name the database.");
        }
        if (options.LocalKey is not null)
        {
            if (options.AccountEndpoint is { IsAbsoluteUri: true } local && !IsLoopback(local))
            {
                errors.Add("Cosmos:LocalKey is for the local stand-in only: the endpoint must be a loopback address. In Azure the managed identity is used.");
            }
            if (options.LocalCertificateSha256 is not { Length: 64 } pin || !pin.All(char.IsAsciiHexDigit))
            {
                errors.Add("Cosmos:LocalCertificateSha256 (64 hex digits) must pin the stand-in's certificate when Cosmos:LocalKey is set.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));
}
