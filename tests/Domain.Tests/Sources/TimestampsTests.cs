using Lodestar.Sources;

namespace Lodestar.Tests.Sources;

public sealed class TimestampsTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Each format with the UTC instant it denotes; local forms are read at +08:00.</summary>
    [Theory]
    [InlineData("2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z", true)]
    [InlineData("2026-03-01T12:00:00.250z", "2026-03-01T12:00:00.25Z", true)]
    [InlineData("2026-03-01T20:00:00+08:00", "2026-03-01T12:00:00Z", true)]
    [InlineData("2026-03-01T07:00:00-05:00", "2026-03-01T12:00:00Z", true)]
    [InlineData("2026-03-01 20:00:00+08:00", "2026-03-01T12:00:00Z", true)]
    [InlineData("2026-03-01T20:00:00", "2026-03-01T12:00:00Z", false)]
    [InlineData("2026-03-01T20:00:00.5", "2026-03-01T12:00:00.5Z", false)]
    [InlineData("2026-03-01 20:00:00", "2026-03-01T12:00:00Z", false)]
    [InlineData("2026-03-01 20:00", "2026-03-01T12:00:00Z", false)]
    [InlineData("2026/03/01 20:00:00", "2026-03-01T12:00:00Z", false)]
    [InlineData("3/1/2026 20:00", "2026-03-01T12:00:00Z", false)]
    [InlineData("2026-03-01", "2026-02-28T16:00:00Z", false)]
    [InlineData("  2026-03-01T12:00:00Z  ", "2026-03-01T12:00:00Z", true)]
    public void TryParse_KnownFormat_GivesTheInstant(string text, string utc, bool offsetStated)
    {
        Assert.True(Timestamps.TryParse(text, China, out var at, out var stated));

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), at);
        Assert.Equal(offsetStated, stated);
    }

    [Fact]
    public void TryParse_LocalTime_KeepsTheAssumedOffset()
    {
        Assert.True(Timestamps.TryParse("2026-03-01 20:00:00", China, out var at, out _));

        Assert.Equal(China, at.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-02-30 10:00")]
    [InlineData("01/03/2026 25:00")]
    public void TryParse_NotATimestamp_Fails(string text) =>
        Assert.False(Timestamps.TryParse(text, China, out _, out _));
}
