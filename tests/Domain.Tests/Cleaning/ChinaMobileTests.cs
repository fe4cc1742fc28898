using Lodestar.Cleaning;

namespace Lodestar.Tests.Cleaning;

public sealed class ChinaMobileTests
{
    /// <summary>Real-looking numbers in the formats sources send; the E.164 form is +86 and the 11-digit national number.</summary>
    [Theory]
    [InlineData("13912847563", "+8613912847563")]
    [InlineData("+8613912847563", "+8613912847563")]
    [InlineData("+86 139 1284 7563", "+8613912847563")]
    [InlineData("0086-139-1284-7563", "+8613912847563")]
    [InlineData("86 13912847563", "+8613912847563")]
    [InlineData("(+86) 139.1284.7563", "+8613912847563")]
    [InlineData(" 139 1284 7563 ", "+8613912847563")]
    // 12345679 breaks the ascending run at the last digit (7 → 9), so it is not sequential.
    [InlineData("0086-13812345679", "+8613812345679")]
    // A run broken by its last digit (7 → 0) is not sequential; two digits differing from the rest is not repetitive.
    [InlineData("13912345670", "+8613912345670")]
    [InlineData("13911111122", "+8613911111122")]
    [InlineData("19957318264", "+8619957318264")]
    public void Check_ValidMobile_NormalisesToE164(string raw, string expected)
    {
        var verdict = ChinaMobile.Check(raw, out var e164);

        Assert.Equal(ChinaMobile.Verdict.Valid, verdict);
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("1391284756")]        // 10 digits
    [InlineData("139128475631")]      // 12 digits
    [InlineData("010-62345678")]      // Beijing landline
    [InlineData("021 6234 5678")]     // Shanghai landline
    [InlineData("12012345678")]       // no mobile range starts 12
    [InlineData("1391284abcd")]       // letters
    [InlineData("139-1284-7563 ext 2")]
    [InlineData("")]
    [InlineData("+86 1391284756")]    // +86 and only 10 digits
    [InlineData("+1 415 555 0132")]   // a US number: +1 is not +86, however the digits look
    [InlineData("+44 1391 284756")]   // a UK number with a leading 1
    [InlineData("1234567890123456789012345")] // longer than any phone number
    public void Check_NotAMainlandMobile_IsMalformed(string raw)
    {
        var verdict = ChinaMobile.Check(raw, out var e164);

        Assert.Equal(ChinaMobile.Verdict.Malformed, verdict);
        Assert.Equal("", e164);
    }

    [Theory]
    [InlineData("13800138000")]        // the classic China Mobile test number
    [InlineData("+86 138 1234 5678")]  // 13812345678 is a listed placeholder
    [InlineData("18888888888")]
    [InlineData("13911111111")]        // subscriber part all one digit
    [InlineData("13911111112")]        // ... but for one
    [InlineData("15500000000")]
    [InlineData("13923456789")]        // subscriber part ascending
    [InlineData("13987654321")]        // subscriber part descending
    [InlineData("13978901234")]        // ascending through 9 → 0
    [InlineData("13456789012")]        // whole number after the leading 1 ascending
    [InlineData("19876543210")]        // whole number after the leading 1 descending
    [InlineData("0086 139 2345 6789")] // formatting does not hide a sequential number
    public void Check_PlaceholderRepeatedOrSequential_IsFake(string raw)
    {
        var verdict = ChinaMobile.Check(raw, out var e164);

        Assert.Equal(ChinaMobile.Verdict.Fake, verdict);
        Assert.Equal("", e164);
    }
}
