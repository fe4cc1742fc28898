using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Lodestar.Tests.Support;

/// <summary>A response read once: status, media type, raw text and parsed JSON.</summary>
internal sealed record Reply(HttpStatusCode Status, string? MediaType, string Text)
{
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("empty body");

    /// <summary>The JSON pointers named in a problem+json body's <c>errors</c>.</summary>
    public IReadOnlyList<string> ErrorPointers => [.. Json["errors"]!.AsArray().Select(e => (string)e!["pointer"]!)];
}

internal static class HttpJson
{
    public static AuthenticationHeaderValue WriteKey(string key) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));

    public static async Task<Reply> PostAsync(this HttpClient client, string path, string json, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return await SendAsync(client, request);
    }

    public static async Task<Reply> GetReplyAsync(this HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(client, request);
    }

    /// <summary>POST /api/customers/lookup with one identifier in the body (raw values never go in the URL).</summary>
    public static Task<Reply> LookupAsync(this HttpClient client, string field, string value) =>
        client.PostAsync("/api/customers/lookup", new JsonObject { [field] = value }.ToJsonString());

    public static async Task<Reply> DeleteReplyAsync(this HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        return await SendAsync(client, request);
    }

    public static async Task<Reply> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }
}
