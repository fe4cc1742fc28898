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
        // Full-width letters (ＴＤ) fold to ASCII under NFKC; punctuation and spaces around the keyword are dropped.
        var folded = message.Normalize(System.Text.NormalizationForm.FormKC).Trim().ToUpperInvariant();
        var core = folded.Trim(' ', '.', '!', '。', '！', '"', '\'', '“', '”').Replace(" ", "", StringComparison.Ordinal);
        return Keywords.Contains(core);
    }
}
