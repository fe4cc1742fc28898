using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Lodestar.Tests.Support;

/// <summary>
/// The real CLI (<c>dotnet lodestar.dll …</c>) as a child process, with everything it writes to stdout and stderr
/// kept. The Standalone project is referenced by this test project, so lodestar.dll and its runtimeconfig sit next to
/// the test assembly, built in the same configuration.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ServerProcess(Process process, ConcurrentQueue<string> output, Uri address)
    {
        _process = process;
        _output = output;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the process wrote so far, stdout and stderr interleaved.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static string LodestarDll => Path.Combine(AppContext.BaseDirectory, "lodestar.dll");

    /// <summary>The dotnet host that runs this test, so the child uses the same runtime.</summary>
    public static string DotnetHost
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            {
                return host;
            }
            // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
            var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            var candidate = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            return File.Exists(candidate) ? candidate : "dotnet";
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts <c>serve</c> on a free loopback port and waits until <c>/health</c> answers.</summary>
    public static async Task<ServerProcess> ServeAsync(string dataPath, string writeKey, CancellationToken cancellationToken)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var (process, output) = Start(["serve", "--data", dataPath, "--urls", address.ToString().TrimEnd('/'), "--write-key", writeKey]);
        var server = new ServerProcess(process, output, address);
        try
        {
            await server.WaitUntilHealthyAsync(TimeSpan.FromSeconds(20), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command to its end (bounded) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunAsync(IReadOnlyList<string> args, TimeSpan limit, CancellationToken cancellationToken)
    {
        var (process, output) = Start(args);
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"lodestar {string.Join(' ', args)} did not finish within {limit}: {string.Join(Environment.NewLine, output)}");
            }
            // WaitForExitAsync returns after the redirected streams reached their end.
            return (process.ExitCode, [.. output]);
        }
    }

    private static (Process, ConcurrentQueue<string>) Start(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(LodestarDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment.Remove("LODESTAR_WRITE_KEY");
        info.Environment["DOTNET_NOLOGO"] = "1";
        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private async Task WaitUntilHealthyAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"lodestar serve exited with {_process.ExitCode}: {string.Join(Environment.NewLine, Output)}");
            }
            try
            {
                using var response = await client.GetAsync("/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One slow probe; try again.
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"lodestar serve did not answer /health within {limit}: {string.Join(Environment.NewLine, Output)}");
    }

    /// <summary>A crash: the whole process tree ends at once, without shutdown or flushing.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        if (_process.WaitForExit(10_000))
        {
            _process.WaitForExit(); // and the redirected output to its end
        }
    }

    /// <summary>A normal shutdown (SIGTERM, as a service manager sends it): the loggers flush what they queued.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            KillHard();
            return;
        }
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync(cancellationToken);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
