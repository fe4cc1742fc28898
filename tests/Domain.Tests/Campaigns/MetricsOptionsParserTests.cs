using Lodestar.Campaigns;
using Lodestar.Journeys;

namespace Lodestar.Tests.Campaigns;

public sealed class MetricsOptionsParserTests
{
    [Fact]
    public void Parse_WindowCurrencyAndCosts_AreRead()
    {
        var parsed = MetricsOptionsParser.Parse("48h", "usd", ["sms=0.045", "email = 0.001"]);

        Assert.True(parsed.IsValid);
        Assert.Equal(TimeSpan.FromHours(48), parsed.Value!.AttributionWindow);
        Assert.Equal("USD", parsed.Value.Currency);
        Assert.Equal((0.045m, 0.001m, 0m), (parsed.Value.CostOf(Channel.Sms), parsed.Value.CostOf(Channel.Email), parsed.Value.CostOf(Channel.Push)));
    }

    [Fact]
    public void Parse_Nothing_GivesTheDefaults() => Assert.Equal(MetricsOptions.Default.AttributionWindow, MetricsOptionsParser.Parse(null, null, null).Value!.AttributionWindow);

    [Fact]
    public void Parse_BadValues_NameEachByPointer() =>
        Assert.Equal(["/window", "/currency", "/cost/1"], MetricsOptionsParser.Parse("-1d", "yuan", ["sms=1", "sms"]).Errors.Select(e => e.Pointer));
}
