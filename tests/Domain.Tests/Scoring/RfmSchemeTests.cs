using Lodestar.Scoring;

namespace Lodestar.Tests.Scoring;

public sealed class RfmSchemeTests
{
    private static string WithSegments(string segments, string binning = """{ "bins": 5 }""") =>
        $$"""{ "recency": {{binning}}, "frequency": { "bins": 5 }, "monetary": { "bins": 5 }, "segments": [ {{segments}} ] }""";

    [Theory]
    [InlineData("""{ "recency": { "bins": 1 }, "frequency": { "bins": 5 }, "monetary": { "bins": 5 }, "segments": [] }""", "/recency/bins")]
    [InlineData("""{ "recency": { "bins": 5, "thresholds": [1] }, "frequency": { "bins": 5 }, "monetary": { "bins": 5 }, "segments": [] }""", "/recency")]
    [InlineData("""{ "recency": { "bins": 5 }, "frequency": { "bins": 5 }, "monetary": { "thresholds": [10, 20, 15] }, "segments": [] }""", "/monetary/thresholds/2")]
    [InlineData("""{ "recency": { "bins": 5 }, "frequency": { "bins": 5 }, "segments": [] }""", "/monetary")]
    [InlineData("""{ "recency": { "bins": 5 }, "frequency": { "bins": 5 }, "monetary": { "bins": 5 } }""", "/segments")]
    [InlineData("""{ "recency": { "bins": 5 }, "frequency": { "bins": 5 }, "monetary": { "bins": 5 }, "segments": [], "otherwise": "" }""", "/otherwise")]
    [InlineData("""{ "recency": { "bins": 5 }, "frequency": { "bins": 5 }, "monetary": { "bins": 5 }, "segments": [], "colour": "red" }""", "/colour")]
    [InlineData("[1, 2]", "")]
    [InlineData("{ not json", "")]
    public void Parse_BadScheme_NamesTheField(string json, string pointer)
    {
        var parsed = RfmScheme.Parse(json);

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Pointer == pointer);
        Assert.All(parsed.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Theory]
    [InlineData("""{ "name": "A", "recency": [0, 5], "frequency": [1, 5], "monetary": [1, 5] }""", "/segments/0/recency", "1 ≤ low ≤ high ≤ 5")]
    [InlineData("""{ "name": "A", "recency": [1, 5], "frequency": [4, 6], "monetary": [1, 5] }""", "/segments/0/frequency", "1 ≤ low ≤ high ≤ 5")]
    [InlineData("""{ "name": "A", "recency": [1, 5], "frequency": [1, 5], "monetary": [3, 2] }""", "/segments/0/monetary", "1 ≤ low ≤ high ≤ 5")]
    [InlineData("""{ "name": "A", "recency": [1, 5], "frequency": [1, 5] }""", "/segments/0/monetary", "[low, high]")]
    [InlineData("""{ "recency": [1, 5], "frequency": [1, 5], "monetary": [1, 5] }""", "/segments/0/name", "non-empty string")]
    [InlineData("""{ "nmae": "A", "name": "A", "recency": [1, 5], "frequency": [1, 5], "monetary": [1, 5] }""", "/segments/0/nmae", "unknown property")]
    [InlineData("""{ "name": "A", "recency": [1, 5], "frequency": [1, 5], "monetary": [1, 5] }, { "name": "A", "recency": [1, 5], "frequency": [1, 5], "monetary": [1, 5] }""", "/segments/1/name", "duplicate")]
    [InlineData("""{ "name": "Others", "recency": [1, 5], "frequency": [1, 5], "monetary": [1, 5] }""", "/segments/0/name", "duplicate")]
    public void Parse_BadSegmentRule_NamesTheRuleAndField(string segments, string pointer, string message)
    {
        var parsed = RfmScheme.Parse(WithSegments(segments));

        Assert.False(parsed.IsValid);
        Assert.Contains(parsed.Errors, e => e.Pointer == pointer && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RangeBeyondFixedThresholds_IsCheckedAgainstTheirScores()
    {
        var parsed = RfmScheme.Parse(WithSegments("""{ "name": "A", "recency": [1, 4], "frequency": [1, 5], "monetary": [1, 5] }""", """{ "thresholds": [30, 90] }"""));

        Assert.Contains(parsed.Errors, e => e.Pointer == "/segments/0/recency" && e.Message.Contains("≤ 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_IsTheRPackagesQuintilesAndIssueFivesTenSegments()
    {
        var scheme = RfmScheme.Default;

        Assert.Equal([5, 5, 5], new[] { scheme.Recency.Bins, scheme.Frequency.Bins, scheme.Monetary.Bins });
        Assert.Equal(["Champions", "Loyal Customers", "Potential Loyalist", "New Customers", "Promising", "Need Attention",
            "About To Sleep", "At Risk", "Can't Lose Them", "Lost", "Others"], scheme.SegmentNames);
    }

    [Theory]
    [InlineData("5-5-5", "Champions")]
    [InlineData("4-4-4", "Champions")]
    [InlineData("5-3-3", "Loyal Customers")]
    [InlineData("3-1-1", "Potential Loyalist")]     // before Promising: the first match wins
    [InlineData("2-2-2", "Need Attention")]
    [InlineData("2-1-1", "About To Sleep")]
    [InlineData("1-5-5", "At Risk")]                // before Can't Lose Them
    [InlineData("1-1-1", "Lost")]
    [InlineData("1-1-5", "Others")]
    [InlineData("5-1-5", "Others")]
    public void SegmentOf_DefaultRules_FirstMatchWinsElseOthers(string score, string segment) =>
        Assert.Equal(segment, RfmScheme.Default.SegmentOf(RfmScore.Parse(score)));

    [Fact]
    public void ToJson_ParsesBackToTheSameScheme()
    {
        var json = RfmScheme.Default.ToJson();

        var again = RfmScheme.Parse(json);

        Assert.True(again.IsValid);
        Assert.Equal(json, again.Value!.ToJson());
        Assert.Equal(RfmScheme.Default.Segments, again.Value.Segments);
    }
}

public sealed class RfmScoreTests
{
    [Fact]
    public void Parse_RFM_ReadsTheThreeScores()
    {
        var score = RfmScore.Parse("5-4-3");

        Assert.Equal((5, 4, 3), (score.Recency, score.Frequency, score.Monetary));
        Assert.Equal(543, score.Code);
        Assert.Equal("5-4-3", score.ToString());
    }

    [Theory]
    [InlineData("0-1-1")]
    [InlineData("5-4")]
    [InlineData("543")]
    [InlineData("5-4-x")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotAScore_Fails(string? text) => Assert.False(RfmScore.TryParse(text, out _));

    [Fact]
    public void Create_OutOfRange_IsABug() => Assert.Throws<ArgumentOutOfRangeException>(() => RfmScore.Create(10, 1, 1));

    [Fact]
    public void Default_IsNotAValidScore() => Assert.False(default(RfmScore).IsValid);
}
