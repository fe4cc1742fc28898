using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Lodestar.Cosmos;
using Microsoft.Azure.Cosmos;

namespace Lodestar.Tests.Support;

/// <summary>
/// The Cosmos DB stand-in (scripts/cosmos: @vercel/cosmosdb-server behind shim.js) for the tests of one collection:
/// installs its npm packages if they are missing, makes a self-signed certificate for 127.0.0.1, starts node on a free
/// loopback port, and stops it at the end. The client pins that certificate. Without node on PATH the Cosmos tests skip.
/// </summary>
public sealed class CosmosServer : IAsyncLifetime
{
    /// <summary>Any base64 key: the stand-in checks no signature, but the SDK signs every request with one.</summary>
    private const string StandInKey = "c3RhbmQtaW4ga2V5OiB0aGUgbG9jYWwgc2VydmVyIGlnbm9yZXMgaXQ=";

    private readonly ConcurrentQueue<string> _output = new();
    private TempFolder? _certificates;
    private Process? _node;
    private int _databases;

    /// <summary>Why the stand-in could not start (tests skip with this); null when it runs.</summary>
    public string? Unavailable { get; private set; }

    public Uri Endpoint { get; private set; } = new("https://127.0.0.1/");

    public string CertificateSha256 { get; private set; } = "";

    public CosmosClient Client { get; private set; } = null!;

    public CosmosOptions Options(string database) => new()
    {
        AccountEndpoint = Endpoint,
        Database = database,
        LocalKey = StandInKey,
        LocalCertificateSha256 = CertificateSha256,
    };

    public void SkipIfUnavailable()
    {
        if (Unavailable is not null)
        {
            Assert.Skip(Unavailable);
        }
    }

    /// <summary>A new, empty database with the whole container layout: one per test, so tests never see each other's data.</summary>
    public async Task<string> NewDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"test-{Environment.ProcessId}-{Interlocked.Increment(ref _databases)}";
        await CosmosLayout.CreateAsync(Client, name, cancellationToken);
        return name;
    }

    public async Task DropDatabaseAsync(string name)
    {
        using var r = await Client.GetDatabase(name).DeleteStreamAsync();
    }

    /// <summary>The message ids stored in the events container under <paramref name="customer"/>, read straight from it.</summary>
    public async Task<IReadOnlyList<string>> EventsOfAsync(string database, string customer, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT VALUE c.messageId FROM c WHERE c.customerId = @c").WithParameter("@c", customer);
        using var feed = Client.GetDatabase(database).GetContainer(CosmosLayout.Events).GetItemQueryStreamIterator(query);
        var ids = new List<string>();
        while (feed.HasMoreResults)
        {
            using var page = await feed.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            using var json = await System.Text.Json.JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            ids.AddRange(json.RootElement.GetProperty("Documents").EnumerateArray().Select(d => d.GetString()!));
        }
        return ids;
    }

    public async ValueTask InitializeAsync()
    {
        if (FindOnPath("node") is null)
        {
            Unavailable = "node is not on PATH, so the Cosmos DB stand-in (scripts/cosmos) cannot start; these tests need it.";
            return;
        }
        var folder = Path.Combine(RepositoryRoot(), "scripts", "cosmos");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@vercel", "cosmosdb-server")))
        {
            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, TimeSpan.FromMinutes(5));
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed ({code}):\n{output}");
            }
        }
        _certificates = new TempFolder("lodestar-cosmos-cert-");
        var (certFile, keyFile) = WriteCertificate(_certificates.Path);
        await StartAsync(folder, certFile, keyFile);
        Client = CosmosClients.Create(Options("probe"));
    }

    private static (string Cert, string Key) WriteCertificate(string folder)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var (cert, key) = (Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    private async Task StartAsync(string folder, string certFile, string keyFile)
    {
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = new ProcessStartInfo("node", ["shim.js"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PORT"] = "0";
        info.Environment["HOST"] = "127.0.0.1";
        info.Environment["CERT_FILE"] = certFile;
        info.Environment["KEY_FILE"] = keyFile;
        _node = new Process { StartInfo = info, EnableRaisingEvents = true };
        _node.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            _output.Enqueue(e.Data);
            const string marker = "cosmos shim ready at ";
            if (e.Data.StartsWith(marker, StringComparison.Ordinal))
            {
                ready.TrySetResult(new Uri(e.Data[marker.Length..].Trim()));
            }
        };
        _node.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _node.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the Cosmos stand-in exited:\n{string.Join('\n', _output)}"));
        _node.Start();
        _node.BeginOutputReadLine();
        _node.BeginErrorReadLine();
        Endpoint = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        CertificateSha256 = Convert.ToHexString(SHA256.HashData(X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certFile)).RawData));
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_node is not null)
        {
            if (!_node.HasExited)
            {
                _node.Kill(entireProcessTree: true);
                await _node.WaitForExitAsync();
            }
            _node.Dispose();
        }
        _certificates?.Dispose();
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Serverless.sln above {AppContext.BaseDirectory}");
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, IReadOnlyList<string> args, string folder, TimeSpan limit)
    {
        var info = new ProcessStartInfo(program, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {limit}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>The tests that share one stand-in process (and so run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<CosmosServer>
{
    public const string Name = "cosmos";
}
