namespace Lodestar.Tests.Support;

/// <summary>
/// The reference data sets live beside the repository (../shared/data), never inside it: found by walking up from the
/// test assembly's folder. Tests that need them skip with a plain message where they are absent.
/// </summary>
internal static class SharedData
{
    public static string? Root { get; } = Find();

    public static string Telco => Path.Combine(Root ?? "", "churn", "Telco-Customer-Churn.csv");

    public static string OnlineRetail => Path.Combine(Root ?? "", "retail", "online_retail.csv.gz");

    /// <summary>Skips the calling test with a plain message when the file is not there.</summary>
    public static string Require(string path)
    {
        Assert.SkipUnless(Root is not null && File.Exists(path), $"reference data not found at {path}; these tests need ../shared/data beside the repository");
        return path;
    }

    /// <summary>../shared/data beside the repository root (the folder with Serverless.sln), as docs and tools expect.</summary>
    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(data) ? data : null;
            }
        }
        return null;
    }
}
