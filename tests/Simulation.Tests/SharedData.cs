namespace Lodestar.Tests;

/// <summary>The reference data sets live beside the repository (../shared/data), never inside it.</summary>
internal static class SharedData
{
    public static string? Root { get; } = Find();

    public static string OnlineRetail => Path.Combine(Root ?? "", "retail", "online_retail.csv.gz");

    /// <summary>Skips the calling test with a plain message when the file is not there.</summary>
    public static string Require(string path)
    {
        Assert.SkipUnless(File.Exists(path), $"reference data not found at {path}; these tests need ../shared/data beside the repository");
        return path;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
            }
        }
        return null;
    }
}
