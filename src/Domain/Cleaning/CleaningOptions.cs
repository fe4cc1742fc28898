namespace Lodestar.Cleaning;

/// <summary>Bounds the cleaning rules check against; tenant configuration.</summary>
public sealed record CleaningOptions
{
    /// <summary>Records before this instant predate the business and are quarantined.</summary>
    public DateTimeOffset BusinessStart { get; init; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Clock skew tolerated before a timestamp counts as "in the future".</summary>
    public TimeSpan FutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxQuantity { get; init; } = 10_000;

    /// <summary>Largest plausible line amount, in minor units (10 million in major units).</summary>
    public long MaxLineAmountMinor { get; init; } = 1_000_000_000;

    public static CleaningOptions Default { get; } = new();
}
