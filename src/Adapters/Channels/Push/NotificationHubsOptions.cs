namespace Lodestar.Messaging.Push;

/// <summary>The payload shape a push send uses.</summary>
public enum PushFormat
{
    /// <summary>A flat JSON object of strings (title, body, message id, data) filled into each installation's template.</summary>
    Template = 0,

    /// <summary>Native Firebase Cloud Messaging v1: <c>{"message":{"notification":{title,body},"android":{"data":{…}}}}</c>.</summary>
    FcmV1 = 1,

    /// <summary>Native APNs: <c>{"aps":{"alert":{title,body}}, …data}</c>.</summary>
    Apple = 2,
}

/// <summary>
/// Settings of the Notification Hubs push sender (section <c>Channels:Push</c>): the hub's connection string
/// (<c>Endpoint=sb://&lt;namespace&gt;.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…</c>, a Send
/// policy), the hub name and the payload format.
/// </summary>
public sealed class NotificationHubsOptions
{
    public const string DefaultApiVersion = "2015-01";

    public string? ConnectionString { get; set; }

    public string? HubName { get; set; }

    /// <summary>Overrides the https address derived from the connection string's <c>sb://</c> endpoint (tests, private links).</summary>
    public string? BaseUrl { get; set; }

    public PushFormat Format { get; set; } = PushFormat.Template;

    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Lifetime of each SAS token (one is minted per attempt).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries of a throttled (429) send; nothing else is retried, since a push send is not idempotent.</summary>
    public int MaxRetries { get; set; } = RetrySettings.Default.MaxRetries;

    public TimeSpan RetryDelay { get; set; } = RetrySettings.Default.Delay;

    public TimeSpan MaxRetryDelay { get; set; } = RetrySettings.Default.MaxDelay;

    public TimeSpan NetworkTimeout { get; set; } = RetrySettings.Default.NetworkTimeout;

    internal RetrySettings Retry => new(MaxRetries, RetryDelay, MaxRetryDelay, NetworkTimeout);

    /// <summary>Every problem with these settings, each naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(string section = "Channels:Push")
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add($"{section}:ConnectionString (Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…) is required.");
        }
        else if (!HubConnection.TryParse(ConnectionString, out _, out var problem))
        {
            errors.Add($"{section}:ConnectionString {problem}.");
        }
        if (string.IsNullOrWhiteSpace(HubName))
        {
            errors.Add($"{section}:HubName is required.");
        }
        if (!string.IsNullOrWhiteSpace(BaseUrl) && !Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
        {
            errors.Add($"{section}:BaseUrl must be an absolute URL.");
        }
        if (!Enum.IsDefined(Format))
        {
            errors.Add($"{section}:Format must be Template, FcmV1 or Apple.");
        }
        if (TokenLifetime <= TimeSpan.FromMinutes(1))
        {
            errors.Add($"{section}:TokenLifetime must be longer than a minute.");
        }
        if (MaxRetries is < 0 or > 10)
        {
            errors.Add($"{section}:MaxRetries must be between 0 and 10.");
        }
        return errors;
    }
}
