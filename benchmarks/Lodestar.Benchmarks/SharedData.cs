namespace Lodestar.Benchmarks;

/// <summary>The reference data sets beside the repository (shared/data), found by walking up from the working directory and the program's folder.</summary>
internal static class SharedData
{
    public static string Require(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new FileNotFoundException($"reference data shared/data/{relative} not found above {Directory.GetCurrentDirectory()}; the benchmarks need shared/data beside the repository");
    }
}
