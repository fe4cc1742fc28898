namespace Lodestar.Cleaning;

/// <summary>Mainland-China mobile numbers: normalisation to E.164 and the fake-number rules.</summary>
public static class ChinaMobile
{
    /// <summary>Numbers that vendors and testers use as placeholders.</summary>
    private static readonly HashSet<string> KnownTestNumbers =
    [
        "13800138000", "13800000000", "13900000000", "13888888888", "13999999999", "18888888888",
        "13012345678", "13123456789", "13812345678", "15012345678", "18612345678", "17000000000",
    ];

    public enum Verdict { Valid, Malformed, Fake }

    /// <summary>Normalises <paramref name="raw"/> (spaces, dashes, +86/0086/86 prefixes) and judges it.</summary>
    public static Verdict Check(string raw, out string e164)
    {
        e164 = "";
        Span<char> digits = stackalloc char[24];
        var n = 0;
        foreach (var c in raw)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == digits.Length)
                {
                    return Verdict.Malformed;
                }
                digits[n++] = c;
            }
            else if (c is not (' ' or '-' or '(' or ')' or '+' or '.'))
            {
                return Verdict.Malformed;
            }
        }
        ReadOnlySpan<char> national = digits[..n];
        // A leading '+' states the country code, and only +86 is mainland China (+1 415 555 0132 is not 141 5555 0132).
        if (raw.AsSpan().TrimStart(" (").StartsWith("+") && !national.StartsWith("86"))
        {
            return Verdict.Malformed;
        }
        if (national.StartsWith("0086"))
        {
            national = national[4..];
        }
        else if (national.Length == 13 && national.StartsWith("86"))
        {
            national = national[2..];
        }
        if (national.Length != 11 || national[0] != '1' || national[1] < '3')
        {
            return Verdict.Malformed;
        }
        var number = national.ToString();
        if (KnownTestNumbers.Contains(number) || IsRepetitive(national[3..]) || IsSequential(national[1..]) || IsSequential(national[3..]))
        {
            return Verdict.Fake;
        }
        e164 = "+86" + number;
        return Verdict.Valid;
    }

    /// <summary>The subscriber part is all one digit but for at most one (e.g. 13800000000, 13911111112).</summary>
    private static bool IsRepetitive(ReadOnlySpan<char> s)
    {
        Span<int> counts = stackalloc int[10];
        var max = 0;
        foreach (var c in s)
        {
            max = Math.Max(max, ++counts[c - '0']);
        }
        return max >= s.Length - 1;
    }

    /// <summary>Strictly ascending or descending run over the whole span (e.g. 12345678901, 98765432).</summary>
    private static bool IsSequential(ReadOnlySpan<char> s)
    {
        bool up = true, down = true;
        for (var i = 1; i < s.Length; i++)
        {
            var d = s[i] - s[i - 1];
            up &= d is 1 or -9;
            down &= d is -1 or 9;
        }
        return up || down;
    }
}
