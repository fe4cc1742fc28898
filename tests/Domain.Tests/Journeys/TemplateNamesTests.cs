using System.Collections.Immutable;
using Lodestar.Journeys;

namespace Lodestar.Tests.Journeys;

public sealed class TemplateNamesTests
{
    [Theory]
    [InlineData("cart-reminder-email", "push", "cart-reminder-push")]
    [InlineData("cart-coupon-sms", "miniprogram", "cart-coupon-miniprogram")]
    [InlineData("welcome-reminder-push", "push", "welcome-reminder-push")]
    [InlineData("winback-miniprogram", "sms", "winback-sms")]
    public void Sibling_IdEndingInAChannel_SwapsTheChannelWord(string template, string channelName, string sibling)
    {
        Assert.True(Channels.TryParse(channelName, out var channel));

        Assert.Equal(sibling, TemplateNames.Sibling(template, channel));
    }

    [Theory]
    [InlineData("cart-reminder")]
    [InlineData("email")]
    [InlineData("-email")]
    [InlineData("promo-emails")]
    public void Sibling_IdWithoutAChannelSuffix_IsNull(string template)
    {
        Assert.Null(TemplateNames.Sibling(template, Channel.Push));
    }

    [Fact]
    public void For_TheNodesOwnChannel_IsTheNodesTemplateEvenWithoutASuffix()
    {
        var send = new SendNode("s", Channel.Email, "newsletter", null, [Channel.Push], false, null, null);

        Assert.Equal("newsletter", TemplateNames.For(send, Channel.Email));
        Assert.Null(TemplateNames.For(send, Channel.Push));
    }

    [Fact]
    public void For_EveryChannel_RoundTripsThroughTheSplit()
    {
        var send = new SendNode("s", Channel.Sms, "retention-coupon-sms", "OFFER", ImmutableArray<Channel>.Empty, false, null, null);

        foreach (var channel in Channels.All)
        {
            Assert.True(TemplateNames.TrySplit(TemplateNames.For(send, channel)!, out var stem, out var parsed));
            Assert.Equal(("retention-coupon", channel), (stem, parsed));
        }
    }
}
