using Lodestar.Standalone.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Tests.Support;

/// <summary>
/// The standalone composition root in a temporary data folder behind the real Kestrel host on a free loopback port, with
/// a client that carries the write key. The clock stands at <see cref="Samples.Now"/>.
/// </summary>
public sealed class InProcessHost : IAsyncLifetime
{
    public const string Key = "wk_integration_0123456789abcdef";

    private readonly TempFolder _folder = new("lodestar-api-tests-");
    private WebApplication? _web;

    internal StandaloneApp App { get; private set; } = null!;

    /// <summary>Authenticated with the write key.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>No credentials at all.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    internal StoreProbe Probe => new(App.Store.Path);

    public async ValueTask InitializeAsync()
    {
        App = new StandaloneApp(new StandaloneOptions(_folder.Path, Key), NullLoggerFactory.Instance, new FixedTimeProvider(Samples.Now));
        _web = WebHost.Build(App, "http://127.0.0.1:0");
        await _web.StartAsync();
        var address = new Uri(_web.Urls.Single());
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
        Client.DefaultRequestHeaders.Authorization = HttpJson.WriteKey(Key);
        Anonymous = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        Anonymous?.Dispose();
        if (_web is not null)
        {
            await _web.StopAsync();
            await _web.DisposeAsync();
        }
        if (App is not null)
        {
            await App.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
