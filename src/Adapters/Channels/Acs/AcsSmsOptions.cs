namespace Lodestar.Messaging.Acs;

/// <summary>
/// Settings of the ACS SMS sender (section <c>Channels:Sms</c>): the resource as for email (<see cref="Endpoint"/> with
/// a managed identity, or a <see cref="ConnectionString"/>), and the number or sender id messages come <see cref="From"/>.
/// </summary>
public sealed class AcsSmsOptions
{
    public const string DefaultApiVersion = "2021-03-07";

    public string? Endpoint { get; set; }

    public string? ConnectionString { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for <see cref="Azure.Identity.DefaultAzureCredential"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>An E.164 number or alphanumeric sender id owned by the resource.</summary>
    public string? From { get; set; }

    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Ask ACS for an Event Grid delivery report (tagged with the message id).</summary>
    public bool EnableDeliveryReport { get; set; } = true;

    public int MaxRetries { get; set; } = RetrySettings.Default.MaxRetries;

    public TimeSpan RetryDelay { get; set; } = RetrySettings.Default.Delay;

    public TimeSpan MaxRetryDelay { get; set; } = RetrySettings.Default.MaxDelay;

    public TimeSpan NetworkTimeout { get; set; } = RetrySettings.Default.NetworkTimeout;

    internal RetrySettings Retry => new(MaxRetries, RetryDelay, MaxRetryDelay, NetworkTimeout);

    /// <summary>Every problem with these settings, each naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(string section = "Channels:Sms")
    {
        var errors = new List<string>();
        AcsConnection.Validate(section, Endpoint, ConnectionString, errors);
        if (string.IsNullOrWhiteSpace(From))
        {
            errors.Add($"{section}:From (an E.164 number or sender id owned by the resource) is required.");
        }
        AcsConnection.ValidateRequestSettings(section, ApiVersion, MaxRetries, errors);
        return errors;
    }
}
