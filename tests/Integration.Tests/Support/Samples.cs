using System.Text;
using Lodestar.Identity;

namespace Lodestar.Tests.Support;

/// <summary>Fixed instants and personal values the tests send; expected values are derived from these.</summary>
internal static class Samples
{
    /// <summary>The instant event bodies are stamped from; before both the fixed test clock and the machine's clock.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The in-process host's clock: a day after <see cref="T0"/>, so no body is "in the future".</summary>
    public static readonly DateTimeOffset Now = T0.AddDays(1);

    /// <summary>A PII key for tests that build identifiers without a host.</summary>
    public static readonly PiiProtector Pii = new(Encoding.UTF8.GetBytes("lodestar-integration-tests-hmac-key-0123456789"));

    /// <summary>ISO-8601 in China Standard Time, the way a shop's systems send it.</summary>
    public static string Iso(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A clock that stands still.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A folder that disappears with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix) => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A handle still closing on a slow machine; the OS cleans temp eventually.
        }
    }
}
