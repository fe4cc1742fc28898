using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Lodestar.Messaging.MiniProgram;

/// <summary>
/// The mini-program's access token: fetched on first use, cached, replaced <see cref="MiniProgramOptions.RefreshAhead"/>
/// before it expires, and replaced at once when the API rejects it. One fetch runs at a time (a
/// <see cref="SemaphoreSlim"/>): concurrent senders share it, and while a refresh ahead of expiry is running the others
/// keep using the still-valid token instead of waiting.
/// </summary>
public sealed class AccessTokenManager
{
    private readonly MiniProgramOptions options;
    private readonly HttpClient httpClient;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile CachedToken? current;

    public AccessTokenManager(MiniProgramOptions options, HttpClient httpClient, TimeProvider timeProvider, ILogger logger)
    {
        this.options = options;
        this.httpClient = httpClient;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt);

    /// <summary>A token valid now.</summary>
    /// <exception cref="MiniProgramTokenException">The token API refused (bad app id or secret, rate limit).</exception>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var token = current;
        var now = timeProvider.GetUtcNow();
        if (token is not null && now < token.RefreshAt)
        {
            return token.Value;
        }
        // Ahead of expiry the old token still works: whoever gets the gate refreshes, the others carry on with it.
        if (token is not null && now < token.ExpiresAt && !await gate.WaitAsync(0, cancellationToken))
        {
            return token.Value;
        }
        if (token is null || now >= token.ExpiresAt)
        {
            await gate.WaitAsync(cancellationToken);
        }
        try
        {
            token = current;
            if (token is not null && timeProvider.GetUtcNow() < token.RefreshAt)
            {
                return token.Value;
            }
            current = await FetchAsync(forceRefresh: false, cancellationToken);
            return current.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A replacement for <paramref name="rejected"/>, which the API called invalid or expired. When another caller has
    /// already replaced it, that token is returned without a second fetch.
    /// </summary>
    public async ValueTask<string> RefreshAsync(string rejected, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var token = current;
            if (token is not null && token.Value != rejected && timeProvider.GetUtcNow() < token.ExpiresAt)
            {
                return token.Value;
            }
            var fresh = await FetchAsync(forceRefresh: false, cancellationToken);
            if (fresh.Value == rejected && options.TokenApi == TokenApi.Stable)
            {
                // The stable token API hands out the cached token until it expires; force a new one (a rationed call).
                fresh = await FetchAsync(forceRefresh: true, cancellationToken);
            }
            current = fresh;
            return fresh.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<CachedToken> FetchAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var baseUrl = options.BaseUrl.TrimEnd('/');
        using var response = options.TokenApi == TokenApi.Stable
            ? await httpClient.PostAsJsonAsync($"{baseUrl}/cgi-bin/stable_token", new Dictionary<string, object>
            {
                ["grant_type"] = "client_credential", ["appid"] = options.AppId!, ["secret"] = options.AppSecret!, ["force_refresh"] = forceRefresh,
            }, cancellationToken)
            : await httpClient.GetAsync(
                $"{baseUrl}/cgi-bin/token?grant_type=client_credential&appid={Uri.EscapeDataString(options.AppId!)}&secret={Uri.EscapeDataString(options.AppSecret!)}",
                cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new MiniProgramTokenException(string.Create(CultureInfo.InvariantCulture, $"the token API answered HTTP {(int)response.StatusCode}"));
        }
        var fetchedAt = timeProvider.GetUtcNow();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }
        catch (JsonException)
        {
            throw new MiniProgramTokenException("malformed answer from the token API");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("access_token", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } token
                && root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt32(out var seconds) && seconds > 0)
            {
                var lifetime = TimeSpan.FromSeconds(seconds);
                var ahead = options.RefreshAhead < lifetime / 2 ? options.RefreshAhead : lifetime / 2;
                ChannelLog.TokenRefreshed(logger, options.AppId!, lifetime);
                return new CachedToken(token, fetchedAt + lifetime - ahead, fetchedAt + lifetime);
            }
            var code = WeChatErrors.CodeOf(root);
            throw new MiniProgramTokenException(code is null
                ? "malformed answer from the token API"
                : string.Create(CultureInfo.InvariantCulture, $"the token API answered errcode {code}"));
        }
    }
}

/// <summary>The access-token API refused or answered nonsense; the message says which, without the secret.</summary>
public sealed class MiniProgramTokenException(string message) : Exception(message);
