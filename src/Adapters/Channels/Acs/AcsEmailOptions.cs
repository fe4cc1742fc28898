namespace Lodestar.Messaging.Acs;

/// <summary>
/// Settings of the ACS email sender (section <c>Channels:Email</c>). In Azure set <see cref="Endpoint"/> and let the
/// managed identity authenticate; a <see cref="ConnectionString"/> (<c>endpoint=…;accesskey=…</c>) signs with the
/// access key instead, for development and for resources without Entra access.
/// </summary>
public sealed class AcsEmailOptions
{
    public const string DefaultApiVersion = "2025-09-01";

    /// <summary><c>https://&lt;resource&gt;.communication.azure.com</c>; overrides the connection string's endpoint when both are set.</summary>
    public string? Endpoint { get; set; }

    public string? ConnectionString { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty for <see cref="Azure.Identity.DefaultAzureCredential"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The verified sender address (<c>DoNotReply@&lt;domain&gt;</c>).</summary>
    public string? Sender { get; set; }

    public string ApiVersion { get; set; } = DefaultApiVersion;

    public int MaxRetries { get; set; } = RetrySettings.Default.MaxRetries;

    public TimeSpan RetryDelay { get; set; } = RetrySettings.Default.Delay;

    public TimeSpan MaxRetryDelay { get; set; } = RetrySettings.Default.MaxDelay;

    public TimeSpan NetworkTimeout { get; set; } = RetrySettings.Default.NetworkTimeout;

    /// <summary>
    /// How long a send waits for the operation to reach Succeeded or Failed. Past it the receipt is Accepted with the
    /// operation id (ACS has queued the message) and the outcome arrives as an Event Grid delivery report.
    /// </summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait between polls when the service gives no <c>retry-after</c>.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal RetrySettings Retry => new(MaxRetries, RetryDelay, MaxRetryDelay, NetworkTimeout);

    /// <summary>Every problem with these settings, each naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(string section = "Channels:Email")
    {
        var errors = new List<string>();
        AcsConnection.Validate(section, Endpoint, ConnectionString, errors);
        if (string.IsNullOrWhiteSpace(Sender) || !Sender.Contains('@', StringComparison.Ordinal))
        {
            errors.Add($"{section}:Sender (the verified sender address, e.g. DoNotReply@<domain>) is required.");
        }
        AcsConnection.ValidateRequestSettings(section, ApiVersion, MaxRetries, errors);
        if (PollTimeout < TimeSpan.Zero || PollInterval <= TimeSpan.Zero)
        {
            errors.Add($"{section}:PollTimeout must not be negative and PollInterval must be positive.");
        }
        return errors;
    }
}
