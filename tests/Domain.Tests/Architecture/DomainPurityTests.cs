using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Lodestar.Customers;

namespace Lodestar.Tests.Architecture;

/// <summary>
/// The core reads no clock, no randomness and no environment, and references no package: time and randomness come
/// in as values. Checked on the compiled assembly's metadata, so no call can hide behind an alias.
/// </summary>
public sealed class DomainPurityTests
{
    private static readonly string DomainPath = typeof(CustomerId).Assembly.Location;

    private static readonly (string Type, string? Member)[] Banned =
    [
        ("System.DateTime", "get_Now"), ("System.DateTime", "get_UtcNow"), ("System.DateTime", "get_Today"),
        ("System.DateTimeOffset", "get_Now"), ("System.DateTimeOffset", "get_UtcNow"),
        ("System.Guid", "NewGuid"), ("System.Guid", "CreateVersion7"),
        ("System.Random", null), ("System.Security.Cryptography.RandomNumberGenerator", null),
        ("System.Environment", null), ("System.Diagnostics.Stopwatch", null), ("System.TimeProvider", "get_System"),
        ("System.IO.File", null), ("System.Net.Http.HttpClient", null),
    ];

    /// <summary>The C# compiler's iterator state machines read the managed thread id; that is not the program's doing.</summary>
    private static readonly HashSet<(string, string)> CompilerGenerated = [("System.Environment", "get_CurrentManagedThreadId")];

    [Fact]
    public void Domain_ReferencesOnlyTheFramework()
    {
        var references = typeof(CustomerId).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.All(references, name => Assert.True(name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal),
            $"Lodestar.Domain references {name}; the core may reference only the framework."));
    }

    [Fact]
    public void Domain_ReadsNoClockRandomnessOrEnvironment()
    {
        var used = MemberReferences().ToList();
        Assert.NotEmpty(used); // the scan sees the assembly's calls (e.g. into System.Linq)

        var violations = used.Where(r => !CompilerGenerated.Contains(r) && r.Member.Length > 0)
            .Where(r => Banned.Any(b => r.Type == b.Type && (b.Member is null || r.Member == b.Member)))
            .Select(r => $"{r.Type}.{r.Member}").Distinct().ToList();

        Assert.Empty(violations);
    }

    private static IEnumerable<(string Type, string Member)> MemberReferences()
    {
        using var pe = new PEReader(File.OpenRead(DomainPath));
        var md = pe.GetMetadataReader();
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                var type = md.GetTypeReference((TypeReferenceHandle)member.Parent);
                yield return ($"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}", md.GetString(member.Name));
            }
        }
    }
}
