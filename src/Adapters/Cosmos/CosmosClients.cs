using System.Security.Cryptography;
using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Cosmos;

/// <summary>Builds the one <see cref="CosmosClient"/> a process needs (it is thread-safe and holds the connections).</summary>
public static class CosmosClients
{
    /// <summary>
    /// In Azure: Entra ID with <paramref name="credential"/> (default: DefaultAzureCredential, i.e. the managed identity),
    /// direct mode. For the local stand-in (<see cref="CosmosOptions.LocalKey"/> set): gateway mode to that one endpoint, and
    /// TLS accepted only from the certificate whose SHA-256 is pinned, so the key never goes anywhere else.
    /// </summary>
    public static CosmosClient Create(CosmosOptions options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = (options.AccountEndpoint ?? throw new ArgumentException("Cosmos:AccountEndpoint is not set.", nameof(options))).ToString();
        var client = new CosmosClientOptions
        {
            ApplicationName = "lodestar",
            Serializer = new DomainCosmosSerializer(),
            // The adapter reads ETags from headers and never needs the body echoed back: less bandwidth per write.
            EnableContentResponseOnWrite = false,
        };
        if (!options.IsLocalStandIn)
        {
            return new CosmosClient(endpoint, credential ?? new DefaultAzureCredential(), client);
        }
        var pin = options.LocalCertificateSha256!;
        client.ConnectionMode = ConnectionMode.Gateway;
        client.LimitToEndpoint = true;
        client.ServerCertificateCustomValidationCallback = (certificate, _, _) =>
            string.Equals(Convert.ToHexString(SHA256.HashData(certificate.RawData)), pin, StringComparison.OrdinalIgnoreCase);
        return new CosmosClient(endpoint, options.LocalKey, client);
    }
}
