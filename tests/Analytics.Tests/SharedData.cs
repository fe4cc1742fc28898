namespace Lodestar.Tests;

/// <summary>
/// The reference data sets live beside the repository in <c>shared/data</c>, never inside it: found by walking up from
/// the test assembly's folder. Tests that need them skip with a plain message where they are absent.
/// </summary>
internal static class SharedData
{
    public static string? Root { get; } = Find();

    public static string CdnowSample => Path.Combine(Root ?? "", "cdnow", "CDNOW_sample.txt");

    public static string CdnowSummary => Path.Combine(Root ?? "", "cdnow", "cdnow_customers_summary.csv");

    public static string CdnowSummaryWithSpend => Path.Combine(Root ?? "", "cdnow", "cdnow_customers_summary_with_transactions.csv");

    public static string CdnowHoldout => Path.Combine(Root ?? "", "cdnow", "derived_cdnow_sample_cbs_39wk.csv");

    /// <summary>Skips the calling test with a plain message when the file is not there.</summary>
    public static string Require(string path)
    {
        if (!File.Exists(path))
        {
            Assert.Skip($"reference data not found at {path}; these tests need shared/data beside the repository (see shared/data/README.md)");
        }
        return path;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
