using System.Data.Common;
using Azure.Core;
using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;

namespace Lodestar.EventHubs;

/// <summary>
/// Where the sink publishes. In Azure the connection is identity-based: the namespace's host name plus a managed
/// identity (or, on a developer machine, whatever <see cref="DefaultAzureCredential"/> finds); no key is ever in the
/// settings. A connection string is accepted only for the local Event Hubs emulator.
/// </summary>
public sealed class EventHubsOptions
{
    /// <summary>The namespace host, e.g. <c>lodestar-prod.servicebus.windows.net</c> (no scheme, no path).</summary>
    public string? FullyQualifiedNamespace { get; set; }

    public string? EventHubName { get; set; }

    /// <summary><c>managedidentity</c> to use the managed identity only; empty for <see cref="DefaultAzureCredential"/>.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned managed identity; implies <c>managedidentity</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>Local emulator only: a connection string with <c>UseDevelopmentEmulator=true</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How many partition keys of one request are sent at the same time.</summary>
    public int MaxConcurrentSends { get; set; } = 8;

    /// <summary>Every problem with these settings, each naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(EventHubName))
        {
            errors.Add("EventHubName is required.");
        }
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            if (!IsEmulator(ConnectionString))
            {
                errors.Add("ConnectionString is only for the local Event Hubs emulator (UseDevelopmentEmulator=true); in Azure set FullyQualifiedNamespace and use a managed identity.");
            }
        }
        else if (string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            errors.Add("FullyQualifiedNamespace is required (e.g. my-namespace.servicebus.windows.net).");
        }
        else if (Uri.CheckHostName(FullyQualifiedNamespace) != UriHostNameType.Dns || !FullyQualifiedNamespace.Contains('.', StringComparison.Ordinal))
        {
            errors.Add("FullyQualifiedNamespace must be a host name such as my-namespace.servicebus.windows.net, without scheme or path.");
        }
        if (!string.IsNullOrWhiteSpace(Credential) && !string.Equals(Credential, "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("Credential must be 'managedidentity' or empty.");
        }
        if (MaxConcurrentSends < 1)
        {
            errors.Add("MaxConcurrentSends must be at least 1.");
        }
        return errors;
    }

    /// <summary>The producer for these (validated) settings; the caller owns and disposes it.</summary>
    public EventHubProducerClient CreateProducer() => string.IsNullOrWhiteSpace(ConnectionString)
        ? new EventHubProducerClient(FullyQualifiedNamespace, EventHubName, CreateCredential())
        : new EventHubProducerClient(ConnectionString, EventHubName);

    public TokenCredential CreateCredential()
    {
        if (!string.IsNullOrWhiteSpace(ClientId))
        {
            return new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId));
        }
        return string.Equals(Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();
    }

    private static bool IsEmulator(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return false;
        }
        return builder.TryGetValue("UseDevelopmentEmulator", out var value)
            && string.Equals(value?.ToString(), "true", StringComparison.OrdinalIgnoreCase);
    }
}
