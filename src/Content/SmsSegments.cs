using System.Collections.Frozen;

namespace Lodestar.Content;

/// <summary>How an SMS text is encoded and into how many segments it splits.</summary>
public enum SmsEncoding
{
    /// <summary>The GSM 03.38 default alphabet: 7 bits a character, 160 in one message, 153 a segment when concatenated.</summary>
    Gsm7 = 0,

    /// <summary>Anything outside that alphabet (Chinese text, most emoji): UCS-2, 70 code units in one message, 67 a segment.</summary>
    Ucs2 = 1,
}

/// <summary>The size of an SMS: encoding, length in its units (septets or UTF-16 code units) and segment count.</summary>
public readonly record struct SmsSize(SmsEncoding Encoding, int Units, int Segments);

/// <summary>
/// SMS length by the rules of 3GPP TS 23.038 and 23.040: a text that fits the GSM 7-bit default alphabet (its basic
/// table, plus the extension table whose characters take an escape septet too) is sent in 7-bit units, up to 160 in a
/// single message; otherwise UCS-2, up to 70 code units. A longer text is concatenated, and the user data header takes
/// room in each part: 153 septets or 67 code units a segment. A segment never ends inside an escape pair or a
/// surrogate pair, so the segment count packs greedily rather than dividing.
/// </summary>
public static class SmsSegments
{
    public const int Gsm7Single = 160;
    public const int Gsm7Segment = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Segment = 67;

    // GSM 03.38 basic character set (the escape 0x1B itself excluded: it only introduces extension characters).
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "\f^{}\\[~]|€";

    private static readonly FrozenSet<char> BasicSet = Basic.ToFrozenSet();
    private static readonly FrozenSet<char> ExtensionSet = Extension.ToFrozenSet();

    /// <summary>True when every character is in the GSM 7-bit basic or extension table.</summary>
    public static bool IsGsm7(string text) => text.All(c => BasicSet.Contains(c) || ExtensionSet.Contains(c));

    public static SmsSize Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsGsm7(text) ? Gsm7(text) : Ucs2(text);
    }

    private static SmsSize Gsm7(string text)
    {
        var units = 0;
        foreach (var c in text)
        {
            units += ExtensionSet.Contains(c) ? 2 : 1;
        }
        return new SmsSize(SmsEncoding.Gsm7, units, units <= Gsm7Single ? (units == 0 ? 0 : 1) : Pack(text, Gsm7Segment, gsm: true));
    }

    private static SmsSize Ucs2(string text) =>
        new(SmsEncoding.Ucs2, text.Length, text.Length <= Ucs2Single ? 1 : Pack(text, Ucs2Segment, gsm: false));

    /// <summary>Fills segments of <paramref name="size"/> units without splitting an escape pair or a surrogate pair.</summary>
    private static int Pack(string text, int size, bool gsm)
    {
        var segments = 1;
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var cost = gsm ? (ExtensionSet.Contains(text[i]) ? 2 : 1)
                : char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (used + cost > size)
            {
                segments++;
                used = 0;
            }
            used += cost;
            if (!gsm && cost == 2)
            {
                i++;
            }
        }
        return segments;
    }
}
