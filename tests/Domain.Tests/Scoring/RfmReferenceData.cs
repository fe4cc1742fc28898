using System.Globalization;
using Lodestar.Scoring;

namespace Lodestar.Tests.Scoring;

/// <summary>
/// The R package <c>rfm</c>'s <c>rfm_data_orders</c> (MIT), read from <c>shared/data/rfm</c> beside the repository:
/// found by walking up from the test assembly's folder, never copied into the project. The file is plain CSV without
/// quoted fields, so it is split by hand (the Domain tests take no CSV package).
/// </summary>
internal static class RfmReferenceData
{
    public const string Relative = "shared/data/rfm/rfm_data_orders.csv";

    /// <summary>The analysis date of the package's examples, tests and vignette.</summary>
    public static readonly DateOnly AnalysisDate = new(2006, 12, 31);

    private static readonly Lazy<IReadOnlyList<RfmOrder>?> Data = new(Load);

    public static string? Path { get; } = Find();

    /// <summary>The orders, or the calling test skipped with a plain message when the data set is not there.</summary>
    public static IReadOnlyList<RfmOrder> Orders()
    {
        if (Data.Value is null)
        {
            Assert.Skip($"reference data not found: {Relative} (looked in the folders above {AppContext.BaseDirectory}); the RFM reproduction tests need ../shared/data beside the repository");
        }
        return Data.Value;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, Relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static IReadOnlyList<RfmOrder>? Load()
    {
        if (Path is null)
        {
            return null;
        }
        var lines = File.ReadAllLines(Path);
        var header = lines[0].Split(',');
        int customer = Array.IndexOf(header, "customer_id"), date = Array.IndexOf(header, "order_date"), revenue = Array.IndexOf(header, "revenue");
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).Select(f => new RfmOrder(
            f[customer],
            DateOnly.ParseExact(f[date], "yyyy-MM-dd", CultureInfo.InvariantCulture),
            decimal.Parse(f[revenue], CultureInfo.InvariantCulture)))];
    }
}
