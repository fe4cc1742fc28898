using Lodestar.Journeys;

namespace Lodestar.Content;

/// <summary>
/// The parts each channel's template has. Email: <c>subject</c>, <c>html</c>, <c>text</c>. SMS: <c>text</c>. Push:
/// <c>title</c>, <c>body</c>. Mini-program subscribe message: <c>template</c> (the provider's template id), one
/// <c>data.KEY</c> part per field of that template (<c>data.thing1</c>) and an optional <c>page</c>.
/// </summary>
public static class ChannelParts
{
    public const string DataPrefix = "data.";

    public static IReadOnlyList<string> Required(Channel channel) => channel switch
    {
        Channel.Email => ["subject", "html", "text"],
        Channel.Sms => ["text"],
        Channel.Push => ["title", "body"],
        Channel.MiniProgram => ["template"],
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "unknown channel"),
    };

    public static bool IsAllowed(Channel channel, string part) =>
        Required(channel).Contains(part)
        || (channel == Channel.MiniProgram && (part == "page" || (part.StartsWith(DataPrefix, StringComparison.Ordinal) && part.Length > DataPrefix.Length)));

    /// <summary>
    /// The parts AI copy may rewrite: the short persuasive text of each channel. An email's HTML and text bodies stay
    /// human-written (only the subject varies), and mini-program fields have provider rules too tight to vary.
    /// </summary>
    public static IReadOnlyList<string> Copy(Channel channel) => channel switch
    {
        Channel.Email => ["subject"],
        Channel.Sms => ["text"],
        Channel.Push => ["title", "body"],
        _ => [],
    };

    /// <summary>Parts rendered with HTML encoding (model values escaped); all others are plain text.</summary>
    public static bool IsHtml(string part) => part == "html";
}
