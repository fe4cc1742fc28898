using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lodestar.Tests.Channels.Support;

/// <summary>One request as the fake service received it: raw target (path and query as sent), headers, body, arrival.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, string Host, IReadOnlyDictionary<string, string> Headers, byte[] Body, TimeSpan At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0) that records every request and hands it to a handler. The fakes
/// built on it check the documented request shape and add each breach to <see cref="Violations"/>.
/// </summary>
public sealed class FakeService : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private FakeService(WebApplication app) => this.app = app;

    public Uri BaseUri { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public ConcurrentQueue<string> Violations { get; } = new();

    public void Violation(string what) => Violations.Enqueue(what);

    /// <param name="handler">Answers each recorded request.</param>
    /// <param name="tls">When given, the server speaks https with this certificate (Entra tokens are only sent over TLS).</param>
    public static async Task<FakeService> StartAsync(Func<RecordedRequest, HttpContext, Task> handler, X509Certificate2? tls = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (tls is not null)
            {
                listen.UseHttps(tls);
            }
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeService(app);
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var recorded = new RecordedRequest(context.Request.Method, raw, context.Request.Host.Value ?? "", headers, buffer.ToArray(), fake.clock.Elapsed);
            fake.Requests.Enqueue(recorded);
            await handler(recorded, context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
