using System.Text.Json;
using Lodestar.Learning.Churn;

namespace Lodestar.Tests.Churn;

public sealed class RetentionPlaybookTests
{
    [Theory]
    [InlineData(ChurnReasons.Price, "coupon")]
    [InlineData(ChurnReasons.Complaint, "compensation")]
    [InlineData(ChurnReasons.Inactivity, "wake_up_offer")]
    public void Default_MapsTheIssuesExamples(string reason, string strategy)
    {
        Assert.Equal(strategy, RetentionPlaybook.Default.StrategyFor([reason]));
    }

    [Fact]
    public void StrategyFor_StrongestMappedReasonWins_ElseFallback()
    {
        var playbook = RetentionPlaybook.FromJson("""{"strategies": {"complaint": "call_back"}, "fallback": "newsletter"}""");

        Assert.Equal("call_back", playbook.StrategyFor(["price", "complaint"]));
        Assert.Equal("newsletter", playbook.StrategyFor(["price"]));
        Assert.Equal("newsletter", playbook.StrategyFor([]));
    }

    [Fact]
    public void FromJson_EmptyStrategy_IsRejected()
    {
        Assert.Throws<JsonException>(() => RetentionPlaybook.FromJson("""{"strategies": {"price": " "}}"""));
    }

    [Fact]
    public void Default_EveryReasonCodeHasAStrategy()
    {
        var codes = typeof(ChurnReasons).GetFields().Select(f => (string)f.GetValue(null)!);

        Assert.All(codes, c => Assert.True(RetentionPlaybook.Default.Strategies.ContainsKey(c), c));
    }
}
