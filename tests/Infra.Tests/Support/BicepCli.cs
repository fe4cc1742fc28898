using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Lodestar.Tests.Support;

/// <summary>What one run of the Bicep CLI printed.</summary>
public sealed record BicepRun(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    // "path(line,col) : Warning BCP037: ..." — the CLI's diagnostic format for errors, warnings and infos alike.
    private static readonly Regex Diagnostic = new(@"\(\d+,\d+\)\s*:\s*(Error|Warning|Info)\s", RegexOptions.Compiled);

    /// <summary>Diagnostic lines. The CLI exits 0 on warnings, so the exit code alone proves nothing.</summary>
    public IReadOnlyList<string> Diagnostics =>
        [.. Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => Diagnostic.IsMatch(l))];

    public override string ToString() => $"bicep {Command} (exit {ExitCode}):\n{Output}";
}

/// <summary>
/// The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64): its build props set <c>$(BicepPath)</c>, which the
/// project hands over as assembly metadata. The package ships the file as owner-executable only, so that bit is ensured.
/// </summary>
public static class BicepCli
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string InfraFolder { get; } = Path.Combine(RepositoryRoot, "infra", "bicep");

    public static string Executable { get; } = Locate();

    public static BicepRun Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = InfraFolder,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // No telemetry, no update check: CI runs offline and the output must hold diagnostics only.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 2 minutes");
        }
        process.WaitForExit();
        return new BicepRun(string.Join(' ', arguments), process.ExitCode, (stdout.Result + stderr.Result).Trim(), clock.Elapsed);
    }

    private static string Locate()
    {
        var path = Metadata("BicepPath").Replace('\\', '/');
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {path}: restore tests/Infra.Tests (package Azure.Bicep.CommandLine.linux-x64).", path);
        }
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) is var mode && !mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
        return path;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"assembly metadata {key} is missing: build through Lodestar.Infra.Tests.csproj");
}
