using System.Text;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Journeys;

namespace Lodestar.Tests.Engagement;

public sealed class OptOutRepliesTests
{
    [Theory]
    [InlineData("STOP")]
    [InlineData("stop")]
    [InlineData(" Stop. ")]
    [InlineData("退订")]
    [InlineData("td")]
    [InlineData("ＴＤ")]
    [InlineData("T D")]
    [InlineData("UNSUBSCRIBE")]
    public void IsOptOut_Keyword_IsAnOptOut(string message) => Assert.True(OptOutReplies.IsOptOut(message));

    [Theory]
    [InlineData("")]
    [InlineData("please don't stop sending")]
    [InlineData("好的")]
    [InlineData("STOPPED")]
    [InlineData(null)]
    public void IsOptOut_OtherText_IsNot(string? message) => Assert.False(OptOutReplies.IsOptOut(message));
}

public sealed class UnsubscribeTokensTests
{
    private static readonly UnsubscribeTokens Tokens = new(UnsubscribeTokens.DeriveKey(Encoding.UTF8.GetBytes("a master key of enough length for tests")));
    private static readonly CustomerId Customer = CustomerId.DerivedFrom("member:M-1");

    [Fact]
    public void TryRead_AnIssuedToken_GivesBackCustomerChannelAndMessage()
    {
        var token = Tokens.Issue(Customer, Channel.Email, "msg-1");

        Assert.True(Tokens.TryRead(token, out var claim));
        Assert.Equal(new UnsubscribeClaim(Customer, Channel.Email, "msg-1"), claim);
    }

    [Fact]
    public void TryRead_TokenWithAChangedPayload_IsRefused()
    {
        var token = Tokens.Issue(Customer, Channel.Email);
        var other = Tokens.Issue(CustomerId.DerivedFrom("member:M-2"), Channel.Email);
        var forged = other[..other.IndexOf('.', StringComparison.Ordinal)] + token[token.IndexOf('.', StringComparison.Ordinal)..];

        Assert.False(Tokens.TryRead(forged, out _));
    }

    [Fact]
    public void TryRead_TokenSignedWithAnotherKey_IsRefused()
    {
        var stranger = new UnsubscribeTokens(UnsubscribeTokens.DeriveKey(Encoding.UTF8.GetBytes("another master key of enough length")));

        Assert.False(Tokens.TryRead(stranger.Issue(Customer, Channel.Sms), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("!!!.???")]
    [InlineData(null)]
    public void TryRead_Garbage_IsRefused(string? token) => Assert.False(Tokens.TryRead(token, out _));
}
