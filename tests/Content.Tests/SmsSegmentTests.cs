using Lodestar.Content;

namespace Lodestar.Tests;

/// <summary>
/// Expected counts come from the rules of 3GPP TS 23.038/23.040, not from the code: GSM-7 holds 160 septets in one
/// message and 153 per concatenated segment, extension characters (€ [ ] { } ^ ~ | \ form feed) take two septets and
/// are never split across segments; UCS-2 holds 70 code units, 67 per segment, and never splits a surrogate pair.
/// </summary>
public sealed class SmsSegmentTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)] // 2 × 153
    [InlineData(307, 3)]
    [InlineData(459, 3)] // 3 × 153
    [InlineData(460, 4)]
    public void Measure_Gsm7Text_UsesSingle160AndSegment153(int length, int segments)
    {
        var size = SmsSegments.Measure(new string('a', length));

        Assert.Equal(SmsEncoding.Gsm7, size.Encoding);
        Assert.Equal(length, size.Units);
        Assert.Equal(segments, size.Segments);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)] // 2 × 67
    [InlineData(135, 3)]
    [InlineData(201, 3)] // 3 × 67
    [InlineData(202, 4)]
    public void Measure_ChineseText_IsUcs2WithSingle70AndSegment67(int length, int segments)
    {
        var size = SmsSegments.Measure(new string('好', length));

        Assert.Equal(SmsEncoding.Ucs2, size.Encoding);
        Assert.Equal(length, size.Units);
        Assert.Equal(segments, size.Segments);
    }

    [Fact]
    public void Measure_ExtensionCharacters_CountTwoSeptets()
    {
        // 80 euro signs are 160 septets (one message); one more plain letter makes 161 (two segments).
        Assert.Equal(new SmsSize(SmsEncoding.Gsm7, 160, 1), SmsSegments.Measure(new string('€', 80)));
        Assert.Equal(new SmsSize(SmsEncoding.Gsm7, 161, 2), SmsSegments.Measure("a" + new string('€', 80)));
    }

    [Fact]
    public void Measure_EscapePairAtASegmentBoundary_MovesToTheNextSegment()
    {
        // 306 septets would fill two segments of 153 exactly, but '€' (2 septets) after 152 letters cannot end segment one,
        // so it opens segment two: 152 | 2 + 151 | 1.
        var text = new string('a', 152) + "€" + new string('a', 152);

        var size = SmsSegments.Measure(text);

        Assert.Equal(306, size.Units);
        Assert.Equal(3, size.Segments);
    }

    [Fact]
    public void Measure_OneCharacterOutsideGsm7_SwitchesTheWholeTextToUcs2()
    {
        // 'ç' (lower-case c cedilla) is not in the GSM basic table (only 'Ç' is).
        var size = SmsSegments.Measure(new string('a', 69) + "ç");

        Assert.Equal(new SmsSize(SmsEncoding.Ucs2, 70, 1), size);
        Assert.Equal(2, SmsSegments.Measure(new string('a', 70) + "ç").Segments);
    }

    [Fact]
    public void Measure_SurrogatePairAtASegmentBoundary_IsNotSplit()
    {
        // 134 units would fill two segments of 67 exactly, but the emoji (2 units) after 66 cannot end segment one,
        // so it opens segment two: 66 | 2 + 65 | 1.
        var text = new string('好', 66) + "😀" + new string('好', 66);

        var size = SmsSegments.Measure(text);

        Assert.Equal(134, size.Units);
        Assert.Equal(3, size.Segments);
    }
}
