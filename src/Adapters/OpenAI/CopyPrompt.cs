using System.Text.Encodings.Web;
using System.Text.Json;
using Lodestar.Content;
using Lodestar.Journeys;
using OpenAI.Chat;

namespace Lodestar.Adapters.OpenAI;

/// <summary>
/// The chat messages for one generation: fixed instructions, then a JSON document built from the brief (segment, tier,
/// tag and product names), the template's copy parts as Liquid source (authored text with placeholders, no customer
/// data) and the channel's limits. Nothing else reaches the model.
/// </summary>
public static class CopyPrompt
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static IReadOnlyList<ChatMessage> Build(ContentTemplate template, TemplateVersion version, IReadOnlyList<string> parts,
        CopyBrief brief, int variants, ContentRules rules)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(brief);
        ArgumentNullException.ThrowIfNull(rules);
        var language = version.Locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "Simplified Chinese" : "English";
        var system = $$$"""
            You rewrite short marketing copy for a retail brand. Write {{{variants}}} alternative versions of the parts given,
            in {{{language}}}, suited to the audience described. Keep every Liquid placeholder ({{ ... }} and {% ... %})
            exactly as written and add no new ones. Stay within the limits. Never use these words or phrases:
            {{{string.Join(", ", rules.BannedWords)}}}.
            Answer with JSON only, shaped {{{Shape(parts)}}}.
            """;
        var user = JsonSerializer.Serialize(new
        {
            template = template.Id,
            purpose = template.Manifest.Description,
            channel = template.Manifest.Channel.Name(),
            locale = version.Locale,
            audience = new { segment = brief.Segment, tier = brief.Tier, tags = brief.Tags, products = brief.Products },
            parts = parts.ToDictionary(p => p, p => version.Parts[p].Source, StringComparer.Ordinal),
            limits = Limits(template, rules),
            variants,
        }, Json);
        return [new SystemChatMessage(system), new UserChatMessage(user)];
    }

    private static string Shape(IReadOnlyList<string> parts) =>
        "{\"variants\": [{" + string.Join(", ", parts.Select(p => $"\"{p}\": \"...\"")) + "}]}";

    private static object Limits(ContentTemplate template, ContentRules rules) => template.Manifest.Channel switch
    {
        Channel.Sms => new { smsSegments = template.Manifest.MaxSmsSegments ?? rules.MaxSmsSegments, note = "Chinese SMS: 70 characters one segment, 67 each when longer" },
        Channel.Push => new { titleCharacters = rules.PushTitleMax, bodyCharacters = rules.PushBodyMax },
        Channel.Email => new { subjectCharacters = rules.EmailSubjectMax, subject = "one line" },
        _ => new { },
    };
}
