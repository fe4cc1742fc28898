namespace Lodestar.Standalone.Hosting;

/// <summary>
/// The public reference data sets live in <c>shared/data</c> beside the repository (never copied into it). Found by
/// walking up from the working directory and from the program's own folder.
/// </summary>
internal static class SharedData
{
    public static string? Find(string relative)
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
        return null;
    }
}
