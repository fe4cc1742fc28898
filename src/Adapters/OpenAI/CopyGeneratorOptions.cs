namespace Lodestar.Adapters.OpenAI;

/// <summary>
/// Azure OpenAI copy generation. <see cref="Endpoint"/> is the resource (https://NAME.openai.azure.com/), reached with
/// the app's managed identity; tests point it at a local server. No key lives in settings.
/// </summary>
public sealed class CopyGeneratorOptions
{
    public const string Section = "Lodestar:AiCopy";

    public Uri? Endpoint { get; set; }

    /// <summary>The chat model deployment's name in the resource.</summary>
    public string Deployment { get; set; } = "copy";

    /// <summary>How many variants to ask for.</summary>
    public int Variants { get; set; } = 3;

    /// <summary>The whole call's limit; past it the template copy is used.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long generated variants are reused for the same template, segment, tier and locale.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a failure is remembered, so that an endpoint that is down costs one time-out, not one per send.</summary>
    public TimeSpan FailureCacheFor { get; set; } = TimeSpan.FromMinutes(5);

    public float Temperature { get; set; } = 0.8f;

    public int MaxOutputTokens { get; set; } = 1_000;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoint is null || !Endpoint.IsAbsoluteUri)
        {
            errors.Add($"{Section}:Endpoint must be an absolute URI");
        }
        if (string.IsNullOrWhiteSpace(Deployment))
        {
            errors.Add($"{Section}:Deployment is required");
        }
        if (Variants is < 1 or > 10)
        {
            errors.Add($"{Section}:Variants must be between 1 and 10");
        }
        if (Timeout <= TimeSpan.Zero || CacheFor < TimeSpan.Zero || FailureCacheFor < TimeSpan.Zero)
        {
            errors.Add($"{Section}: Timeout must be positive and cache durations not negative");
        }
        return errors;
    }
}
