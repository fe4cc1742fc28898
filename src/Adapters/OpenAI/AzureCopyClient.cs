using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Azure.Core;
using Azure.Identity;
using OpenAI.Chat;

namespace Lodestar.Adapters.OpenAI;

/// <summary>
/// The chat client for copy generation. In Azure: the resource endpoint with the app's identity
/// (<see cref="DefaultAzureCredential"/>, Entra ID), no key. A key credential exists only for a local test server,
/// which speaks the same REST shape (<c>POST /openai/deployments/{d}/chat/completions?api-version=…</c>).
/// The client does not retry: a failed call falls back to the template at once, inside the generator's time-out.
/// </summary>
public static class AzureCopyClient
{
    public static ChatClient Create(CopyGeneratorOptions options, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new AzureOpenAIClient(Endpoint(options), credential ?? new DefaultAzureCredential(), ClientOptions(options));
        return client.GetChatClient(options.Deployment);
    }

    /// <summary>For a local server in tests: the <c>api-key</c> header instead of a bearer token.</summary>
    public static ChatClient CreateWithKey(CopyGeneratorOptions options, string key)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new AzureOpenAIClient(Endpoint(options), new ApiKeyCredential(key), ClientOptions(options));
        return client.GetChatClient(options.Deployment);
    }

    private static Uri Endpoint(CopyGeneratorOptions options) =>
        options.Endpoint ?? throw new InvalidOperationException($"{CopyGeneratorOptions.Section}:Endpoint is not set");

    private static AzureOpenAIClientOptions ClientOptions(CopyGeneratorOptions options) => new(AzureOpenAIClientOptions.ServiceVersion.V2024_10_21)
    {
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        NetworkTimeout = options.Timeout,
    };
}
