using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Lodestar.Tests.Support;

/// <summary>
/// A local Azure OpenAI stand-in on Kestrel (127.0.0.1, a free port) speaking the documented chat-completions shape:
/// <c>POST /openai/deployments/{deployment}/chat/completions?api-version=…</c> with an <c>api-key</c> header and a JSON
/// body holding a <c>messages</c> array of role/content objects. A request of any other shape gets 400 and is counted
/// in <see cref="ShapeErrors"/>. Every body is recorded so tests can assert what a prompt contained.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    public const string Key = "local-test-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly ConcurrentQueue<string> _shapeErrors = new();

    private FakeChatServer(WebApplication app) => _app = app;

    /// <summary>What the server answers: status and assistant content; or a raw body; or a delay first.</summary>
    public Func<JsonNode, (HttpStatusCode Status, string? Content, string? RawBody)> Answer { get; set; } =
        _ => (HttpStatusCode.OK, "{\"variants\": []}", null);

    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public Uri Endpoint => new(_app.Urls.Single() + "/");

    public IReadOnlyList<string> Bodies => [.. _bodies];

    public IReadOnlyList<string> ShapeErrors => [.. _shapeErrors];

    public static async Task<FakeChatServer> StartAsync(string deployment)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeChatServer(app);
        app.MapPost("/openai/deployments/{name}/chat/completions", async (HttpContext http) =>
        {
            var name = http.Request.RouteValues["name"] as string ?? "";
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            server._bodies.Enqueue(body);
            var error = ShapeError(http, name, deployment, body, out var json);
            if (error is not null)
            {
                server._shapeErrors.Enqueue(error);
                http.Response.StatusCode = 400;
                await http.Response.WriteAsJsonAsync(new { error = new { code = "BadRequest", message = error } }, http.RequestAborted);
                return;
            }
            if (server.Delay > TimeSpan.Zero)
            {
                await Task.Delay(server.Delay, http.RequestAborted);
            }
            var (status, content, raw) = server.Answer(json!);
            http.Response.StatusCode = (int)status;
            http.Response.ContentType = "application/json";
            if (raw is not null)
            {
                await http.Response.WriteAsync(raw, http.RequestAborted);
            }
            else if (status != HttpStatusCode.OK)
            {
                await http.Response.WriteAsJsonAsync(new { error = new { code = "InternalServerError", message = "the fake server failed on purpose" } }, http.RequestAborted);
            }
            else
            {
                await http.Response.WriteAsync(Completion(json!, content ?? ""), http.RequestAborted);
            }
        });
        await app.StartAsync();
        return server;
    }

    private static string? ShapeError(HttpContext http, string name, string deployment, string body, out JsonNode? json)
    {
        json = null;
        if (name != deployment)
        {
            return $"deployment '{name}' is not '{deployment}'";
        }
        if (string.IsNullOrEmpty(http.Request.Query["api-version"]))
        {
            return "no api-version query parameter";
        }
        if (http.Request.Headers["api-key"] != Key)
        {
            return "no or wrong api-key header";
        }
        if (http.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return "the body is not application/json";
        }
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }
        if (json?["messages"] is not JsonArray messages || messages.Count == 0
            || messages.Any(m => m?["role"]?.GetValue<string>() is not ("system" or "user" or "assistant") || m["content"] is null))
        {
            return "messages must be a non-empty array of {role, content}";
        }
        return null;
    }

    private static string Completion(JsonNode request, string content) => new JsonObject
    {
        ["id"] = "chatcmpl-local-1",
        ["object"] = "chat.completion",
        ["created"] = 1_767_225_600,
        ["model"] = request["model"]?.GetValue<string>() ?? "gpt-4o-mini",
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 50, ["total_tokens"] = 150 },
    }.ToJsonString();

    /// <summary>A loopback address where nothing listens: a port the OS gave out and took back.</summary>
    public static Uri DeadEndpoint()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
