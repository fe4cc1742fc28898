using Lodestar.Sources;

namespace Lodestar.Tests.Sources;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("CNY", 2)]
    [InlineData("cny", 2)]
    [InlineData("GBP", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("VND", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    public void Exponent_Iso4217_IsTheNumberOfMinorDigits(string currency, int exponent) =>
        Assert.Equal(exponent, Money.Exponent(currency));

    [Theory]
    [InlineData("19.99", "CNY", 1_999L)]
    [InlineData("0.005", "CNY", 1L)]     // half a fen rounds away from zero
    [InlineData("-0.005", "CNY", -1L)]
    [InlineData("0.004", "CNY", 0L)]
    [InlineData("1200", "JPY", 1_200L)]
    [InlineData("1200.5", "JPY", 1_201L)]
    [InlineData("1.2345", "KWD", 1_235L)]
    [InlineData("10000000", "CNY", 1_000_000_000L)]
    public void ToMinor_Amount_IsScaledAndRoundedHalfAwayFromZero(string amount, string currency, long minor) =>
        Assert.Equal(minor, Money.ToMinor(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency));
}
