using System.Collections.Immutable;

namespace Lodestar.Content;

/// <summary>
/// The limits a rendered message must keep. SMS segments follow from <see cref="SmsSegments"/>; the push limits are
/// house policy (what a lock screen shows without truncating the point of the message, far below the 4 KB payload
/// limits of APNs and FCM); the email subject must be one line. Banned words come from <c>templates/banned-words.txt</c>
/// and apply to human templates and AI variants alike.
/// </summary>
public sealed record ContentRules
{
    public const string BannedWordsFile = "banned-words.txt";

    public int MaxSmsSegments { get; init; } = 3;
    public int PushTitleMax { get; init; } = 50;
    public int PushBodyMax { get; init; } = 150;
    public int EmailSubjectMax { get; init; } = 150;
    public ImmutableArray<string> BannedWords { get; init; } = [];

    /// <summary>The first banned word or phrase in <paramref name="text"/> (case-insensitive), or null.</summary>
    public string? FindBanned(string? text) =>
        string.IsNullOrEmpty(text) ? null : BannedWords.FirstOrDefault(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads a banned-words list: one word or phrase a line, <c>#</c> starts a comment.</summary>
    public static ImmutableArray<string> ParseBannedWords(string text) =>
        [.. text.Split('\n')
            .Select(l => (l.Contains('#', StringComparison.Ordinal) ? l[..l.IndexOf('#', StringComparison.Ordinal)] : l).Trim())
            .Where(l => l.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)];
}
