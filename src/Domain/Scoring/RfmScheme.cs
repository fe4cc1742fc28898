using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Validation;

namespace Lodestar.Scoring;

/// <summary>
/// How one RFM dimension becomes a score: <see cref="Bins"/> quantile bins fitted to the customers (R's
/// <c>recency_bins = 5</c>), or fixed <see cref="Thresholds"/> (R's <c>recency_bins = c(115, 181, 297, 482)</c>).
/// Either way the scores run 1..<see cref="Scores"/>.
/// </summary>
public sealed record RfmBinning
{
    private RfmBinning(int bins, ImmutableArray<double> thresholds) => (Bins, Thresholds) = (bins, thresholds);

    /// <summary>Quantile bins (2..9); 0 when <see cref="Thresholds"/> are fixed.</summary>
    public int Bins { get; }

    /// <summary>Fixed, non-decreasing cut points; empty for quantile bins.</summary>
    public ImmutableArray<double> Thresholds { get; }

    public bool IsQuantile => Thresholds.IsEmpty;

    /// <summary>The number of scores this binning yields: the highest score.</summary>
    public int Scores => IsQuantile ? Bins : Thresholds.Length + 1;

    public static RfmBinning Quantile(int bins) =>
        bins is >= 2 and <= RfmScore.MaxScore ? new(bins, []) : throw new ArgumentOutOfRangeException(nameof(bins), bins, $"2..{RfmScore.MaxScore} bins");

    public static RfmBinning Fixed(params double[] thresholds)
    {
        if (thresholds.Length is < 1 or >= RfmScore.MaxScore || thresholds.Zip(thresholds.Skip(1)).Any(p => p.Second < p.First))
        {
            throw new ArgumentException($"1..{RfmScore.MaxScore - 1} non-decreasing thresholds", nameof(thresholds));
        }
        return new(0, [.. thresholds]);
    }

    public bool Equals(RfmBinning? other) => other is not null && Bins == other.Bins && Thresholds.SequenceEqual(other.Thresholds);

    public override int GetHashCode() => HashCode.Combine(Bins, Thresholds.Length);
}

/// <summary>An inclusive range of scores, as R's <c>between(score, lower, upper)</c>.</summary>
public readonly record struct ScoreRange(int Low, int High)
{
    public bool Contains(int score) => score >= Low && score <= High;

    public override string ToString() => Low == High ? $"{Low}" : $"{Low}–{High}";
}

/// <summary>A named RFM segment: customers whose three scores all fall in the ranges.</summary>
public sealed record RfmSegmentRule(string Name, ScoreRange Recency, ScoreRange Frequency, ScoreRange Monetary)
{
    public bool Matches(RfmScore score) =>
        Recency.Contains(score.Recency) && Frequency.Contains(score.Frequency) && Monetary.Contains(score.Monetary);
}

/// <summary>
/// The RFM configuration: how each dimension is binned and the named segments, tried in order (the first match wins,
/// as in R's <c>rfm_segment</c>), with <see cref="Otherwise"/> for customers no rule matches. Read from JSON with
/// <see cref="Parse"/>; <see cref="Default"/> is the R package's five quantile bins and the ten segments of issue 5.
/// </summary>
public sealed class RfmScheme
{
    /// <summary>The default scheme as JSON: what <c>docs/scoring.md</c> shows and a custom scheme starts from.</summary>
    public const string DefaultJson = """
        {
          "recency": { "bins": 5 },
          "frequency": { "bins": 5 },
          "monetary": { "bins": 5 },
          "segments": [
            { "name": "Champions", "recency": [4, 5], "frequency": [4, 5], "monetary": [4, 5] },
            { "name": "Loyal Customers", "recency": [2, 5], "frequency": [3, 5], "monetary": [3, 5] },
            { "name": "Potential Loyalist", "recency": [3, 5], "frequency": [1, 3], "monetary": [1, 3] },
            { "name": "New Customers", "recency": [4, 5], "frequency": [1, 1], "monetary": [1, 1] },
            { "name": "Promising", "recency": [3, 4], "frequency": [1, 1], "monetary": [1, 1] },
            { "name": "Need Attention", "recency": [2, 3], "frequency": [2, 3], "monetary": [2, 3] },
            { "name": "About To Sleep", "recency": [2, 3], "frequency": [1, 2], "monetary": [1, 2] },
            { "name": "At Risk", "recency": [1, 2], "frequency": [2, 5], "monetary": [2, 5] },
            { "name": "Can't Lose Them", "recency": [1, 1], "frequency": [4, 5], "monetary": [4, 5] },
            { "name": "Lost", "recency": [1, 2], "frequency": [1, 2], "monetary": [1, 2] }
          ],
          "otherwise": "Others"
        }
        """;

    private static readonly string[] Dimensions = ["recency", "frequency", "monetary"];

    public RfmScheme(RfmBinning recency, RfmBinning frequency, RfmBinning monetary, IEnumerable<RfmSegmentRule> segments, string otherwise = "Others")
    {
        (Recency, Frequency, Monetary, Segments, Otherwise) = (recency, frequency, monetary, [.. segments], otherwise);
        var errors = Check(Recency, Frequency, Monetary, Segments, Otherwise);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        }
        _segmentTable = BuildTable();
    }

    private readonly string[] _segmentTable;

    public RfmBinning Recency { get; }

    public RfmBinning Frequency { get; }

    public RfmBinning Monetary { get; }

    public ImmutableArray<RfmSegmentRule> Segments { get; }

    public string Otherwise { get; }

    /// <summary>Segment names in report order: the rules' order, then <see cref="Otherwise"/>.</summary>
    public IEnumerable<string> SegmentNames => Segments.Select(s => s.Name).Append(Otherwise);

    public static RfmScheme Default { get; } = Parse(DefaultJson) is { IsValid: true } d ? d.Value! : throw new InvalidOperationException("the default RFM scheme is invalid");

    /// <summary>The first segment whose ranges hold the score, else <see cref="Otherwise"/>.</summary>
    public string SegmentOf(RfmScore score)
    {
        var (r, f, m) = (score.Recency, score.Frequency, score.Monetary);
        return r <= Recency.Scores && f <= Frequency.Scores && m <= Monetary.Scores && score.IsValid
            ? _segmentTable[((r - 1) * Frequency.Scores + (f - 1)) * Monetary.Scores + (m - 1)]
            : Otherwise;
    }

    /// <summary>Every score combination's segment, looked up rather than searched: scoring a million customers stays cheap.</summary>
    private string[] BuildTable()
    {
        var table = new string[Recency.Scores * Frequency.Scores * Monetary.Scores];
        for (var r = 1; r <= Recency.Scores; r++)
        {
            for (var f = 1; f <= Frequency.Scores; f++)
            {
                for (var m = 1; m <= Monetary.Scores; m++)
                {
                    var score = RfmScore.Create(r, f, m);
                    table[((r - 1) * Frequency.Scores + (f - 1)) * Monetary.Scores + (m - 1)] =
                        Segments.FirstOrDefault(s => s.Matches(score))?.Name ?? Otherwise;
                }
            }
        }
        return table;
    }

    public static Validated<RfmScheme> Parse(string json) => ScoringJson.Parse(json, Read);

    private static RfmScheme? Read(JsonElement root, List<FieldError> errors)
    {
        if (!ScoringJson.IsObject(root, "", errors, "an RFM scheme object with recency, frequency, monetary, segments and otherwise"))
        {
            return null;
        }
        ScoringJson.OnlyKnown(root, "", errors, "recency", "frequency", "monetary", "segments", "otherwise");
        var binnings = Dimensions.Select(d => ReadBinning(root, d, errors)).ToArray();
        var otherwise = root.TryGetProperty("otherwise", out _) ? ScoringJson.Text(root, "otherwise", "", errors, required: true) : "Others";
        var segments = new List<RfmSegmentRule>();
        if (!root.TryGetProperty("segments", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new FieldError("/segments", "expected an array of segment rules (it may be empty)"));
        }
        else
        {
            var i = 0;
            foreach (var el in list.EnumerateArray())
            {
                if (ReadSegment(el, $"/segments/{i++}", binnings, errors) is { } rule)
                {
                    segments.Add(rule);
                }
            }
        }
        if (errors.Count > 0)
        {
            return null;
        }
        errors.AddRange(Check(binnings[0]!, binnings[1]!, binnings[2]!, segments, otherwise!));
        return errors.Count > 0 ? null : new RfmScheme(binnings[0]!, binnings[1]!, binnings[2]!, segments, otherwise!);
    }

    private static RfmBinning? ReadBinning(JsonElement root, string name, List<FieldError> errors)
    {
        var at = $"/{name}";
        if (!root.TryGetProperty(name, out var el))
        {
            errors.Add(new FieldError(at, "is required: { \"bins\": 5 } or { \"thresholds\": [...] }"));
            return null;
        }
        if (!ScoringJson.IsObject(el, at, errors, "{ \"bins\": n } or { \"thresholds\": [...] }"))
        {
            return null;
        }
        ScoringJson.OnlyKnown(el, at, errors, "bins", "thresholds");
        var hasBins = el.TryGetProperty("bins", out _);
        var hasThresholds = el.TryGetProperty("thresholds", out var t);
        if (hasBins == hasThresholds)
        {
            errors.Add(new FieldError(at, "give exactly one of 'bins' (quantile bins) or 'thresholds' (fixed cut points)"));
            return null;
        }
        if (hasBins)
        {
            return ScoringJson.Whole(el, "bins", at, errors, 2, RfmScore.MaxScore, required: true) is { } bins ? RfmBinning.Quantile(bins) : null;
        }
        if (t.ValueKind != JsonValueKind.Array || t.GetArrayLength() is < 1 or >= RfmScore.MaxScore
            || t.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
        {
            errors.Add(new FieldError($"{at}/thresholds", $"expected 1 to {RfmScore.MaxScore - 1} numbers"));
            return null;
        }
        var values = t.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                errors.Add(new FieldError($"{at}/thresholds/{i}", "thresholds must not decrease"));
                return null;
            }
        }
        return RfmBinning.Fixed(values);
    }

    private static RfmSegmentRule? ReadSegment(JsonElement el, string at, RfmBinning?[] binnings, List<FieldError> errors)
    {
        if (!ScoringJson.IsObject(el, at, errors, "a segment rule { name, recency, frequency, monetary }"))
        {
            return null;
        }
        ScoringJson.OnlyKnown(el, at, errors, "name", "recency", "frequency", "monetary");
        var before = errors.Count;
        var name = ScoringJson.Text(el, "name", at, errors, required: true);
        var ranges = new ScoreRange[3];
        for (var d = 0; d < 3; d++)
        {
            var max = binnings[d]?.Scores ?? RfmScore.MaxScore;
            var rat = $"{at}/{Dimensions[d]}";
            if (!el.TryGetProperty(Dimensions[d], out var r) || r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != 2
                || !r[0].TryGetInt32(out var low) || !r[1].TryGetInt32(out var high))
            {
                errors.Add(new FieldError(rat, $"expected [low, high]: whole scores from 1 to {max}"));
                continue;
            }
            if (low < 1 || high > max || low > high)
            {
                errors.Add(new FieldError(rat, $"expected 1 ≤ low ≤ high ≤ {max}; got [{low}, {high}]"));
                continue;
            }
            ranges[d] = new ScoreRange(low, high);
        }
        return errors.Count > before ? null : new RfmSegmentRule(name!, ranges[0], ranges[1], ranges[2]);
    }

    /// <summary>The checks a constructed scheme must also pass: unique names, ranges inside the binning.</summary>
    private static List<FieldError> Check(RfmBinning recency, RfmBinning frequency, RfmBinning monetary, IReadOnlyList<RfmSegmentRule> segments, string otherwise)
    {
        var errors = new List<FieldError>();
        var names = new HashSet<string>(StringComparer.Ordinal) { otherwise ?? "" };
        if (string.IsNullOrWhiteSpace(otherwise))
        {
            errors.Add(new FieldError("/otherwise", "expected a non-empty string"));
        }
        for (var i = 0; i < segments.Count; i++)
        {
            var rule = segments[i];
            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                errors.Add(new FieldError($"/segments/{i}/name", "expected a non-empty string"));
            }
            else if (!names.Add(rule.Name))
            {
                errors.Add(new FieldError($"/segments/{i}/name", $"duplicate segment name '{rule.Name}' (names must differ from each other and from 'otherwise')"));
            }
            foreach (var (range, binning, dim) in new[] { (rule.Recency, recency, "recency"), (rule.Frequency, frequency, "frequency"), (rule.Monetary, monetary, "monetary") })
            {
                if (range.Low < 1 || range.High > binning.Scores || range.Low > range.High)
                {
                    errors.Add(new FieldError($"/segments/{i}/{dim}", $"expected 1 ≤ low ≤ high ≤ {binning.Scores}; got [{range.Low}, {range.High}]"));
                }
            }
        }
        return errors;
    }

    /// <summary>This scheme as JSON in the form <see cref="Parse"/> reads.</summary>
    public string ToJson() => ScoringJson.Write(w =>
    {
        w.WriteStartObject();
        foreach (var (name, binning) in new[] { ("recency", Recency), ("frequency", Frequency), ("monetary", Monetary) })
        {
            w.WriteStartObject(name);
            if (binning.IsQuantile)
            {
                w.WriteNumber("bins", binning.Bins);
            }
            else
            {
                w.WriteStartArray("thresholds");
                foreach (var t in binning.Thresholds)
                {
                    w.WriteNumberValue(t);
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteStartArray("segments");
        foreach (var rule in Segments)
        {
            w.WriteStartObject();
            w.WriteString("name", rule.Name);
            foreach (var (dim, range) in new[] { ("recency", rule.Recency), ("frequency", rule.Frequency), ("monetary", rule.Monetary) })
            {
                w.WriteStartArray(dim);
                w.WriteNumberValue(range.Low);
                w.WriteNumberValue(range.High);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("otherwise", Otherwise);
        w.WriteEndObject();
    });
}
