using System.Globalization;

namespace Lodestar.Scoring;

/// <summary>
/// A customer's recency, frequency and monetary scores, each 1 (worst) to at most 9 (best; 5 with the default five
/// bins). Written as "R-F-M" (<c>"5-4-3"</c>), the form of the <c>rfm_score</c> tag.
/// </summary>
public readonly record struct RfmScore
{
    /// <summary>The highest score a dimension may have: one digit keeps "R-F-M" and R's 100R + 10F + M unambiguous.</summary>
    public const int MaxScore = 9;

    private RfmScore(int recency, int frequency, int monetary) => (Recency, Frequency, Monetary) = (recency, frequency, monetary);

    public int Recency { get; }

    public int Frequency { get; }

    public int Monetary { get; }

    /// <summary>R's <c>rfm_score</c> column: 100·R + 10·F + M (543 for "5-4-3").</summary>
    public int Code => Recency * 100 + Frequency * 10 + Monetary;

    /// <exception cref="ArgumentOutOfRangeException">a score is outside 1..<see cref="MaxScore"/>.</exception>
    public static RfmScore Create(int recency, int frequency, int monetary) =>
        TryCreate(recency, frequency, monetary, out var score) ? score
            : throw new ArgumentOutOfRangeException(nameof(recency), $"RFM scores must be 1..{MaxScore}: got {recency}-{frequency}-{monetary}");

    public static bool TryCreate(int recency, int frequency, int monetary, out RfmScore score)
    {
        score = default;
        if (!InRange(recency) || !InRange(frequency) || !InRange(monetary))
        {
            return false;
        }
        score = new RfmScore(recency, frequency, monetary);
        return true;
    }

    /// <summary>Reads the "R-F-M" form, e.g. "5-4-3".</summary>
    public static bool TryParse(string? text, out RfmScore score)
    {
        score = default;
        if (text is not { Length: 5 } || text[1] != '-' || text[3] != '-')
        {
            return false;
        }
        return TryCreate(text[0] - '0', text[2] - '0', text[4] - '0', out score);
    }

    public static RfmScore Parse(string text) =>
        TryParse(text, out var score) ? score : throw new FormatException($"'{text}' is not an RFM score such as 5-4-3.");

    /// <summary>False for <c>default(RfmScore)</c>, which no factory returns.</summary>
    public bool IsValid => InRange(Recency) && InRange(Frequency) && InRange(Monetary);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Recency}-{Frequency}-{Monetary}");

    private static bool InRange(int score) => score is >= 1 and <= MaxScore;
}
