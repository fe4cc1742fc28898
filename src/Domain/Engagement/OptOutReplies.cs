using System.Collections.Frozen;

namespace Lodestar.Engagement;

/// <summary>
/// SMS replies that withdraw marketing consent: the carrier keywords STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT and
/// the Chinese 退订 / TD (退订's initials, as Chinese SMS footers ask: "回复TD退订"). Case, width and surrounding
/// punctuation are ignored; a keyword inside a longer sentence is not an opt-out.
/// </summary>
public static class OptOutReplies
{
    private static readonly FrozenSet<string> Keywords = new[]
    {
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "退订", "TD",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsOptOut(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return false;
        }
        // Full-width letters (ＴＤ, typed on Chinese keyboards) fold to ASCII; punctuation and spaces around the keyword
        // are dropped. Folded by hand rather than by NFKC: the hosts run in invariant globalization mode, without ICU.
        var folded = FoldWidth(message).Trim().ToUpperInvariant();
        var core = folded.Trim(' ', '.', '!', '。', '！', '"', '\'', '“', '”').Replace(" ", "", StringComparison.Ordinal);
        return Keywords.Contains(core);
    }

    /// <summary>Full-width forms U+FF01–U+FF5E to their ASCII counterparts, the ideographic space to a space.</summary>
    private static string FoldWidth(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            };
        }
    });
}
