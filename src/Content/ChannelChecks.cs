using System.Globalization;
using System.Text.RegularExpressions;
using Lodestar.Journeys;
using Lodestar.Messaging;

namespace Lodestar.Content;

/// <summary>The checks a rendered message must pass for its channel, and the banned-words check for every channel.</summary>
public static partial class ChannelChecks
{
    public static IReadOnlyList<ContentProblem> Check(string template, TemplateManifest manifest, MessageContent content, ContentRules rules)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<ContentProblem>();
        void Add(string part, string message) => problems.Add(new ContentProblem(template, content.Locale, part, message));

        switch (manifest.Channel)
        {
            case Channel.Sms:
                var size = SmsSegments.Measure(content.Text);
                var max = manifest.MaxSmsSegments ?? rules.MaxSmsSegments;
                if (content.Text.Trim().Length == 0)
                {
                    Add("text", "the SMS text is empty");
                }
                else if (size.Segments > max)
                {
                    Add("text", $"{size.Units} {(size.Encoding == SmsEncoding.Gsm7 ? "GSM-7 septets" : "UCS-2 characters")} make {size.Segments} segments; at most {max} allowed");
                }
                break;
            case Channel.Email:
                if (string.IsNullOrWhiteSpace(content.Subject))
                {
                    Add("subject", "the email subject is empty");
                }
                else if (content.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
                {
                    Add("subject", "the email subject must be one line");
                }
                else if (Length(content.Subject) > rules.EmailSubjectMax)
                {
                    Add("subject", $"the subject has {Length(content.Subject)} characters; at most {rules.EmailSubjectMax}");
                }
                if (string.IsNullOrWhiteSpace(content.Html))
                {
                    Add("html", "an email needs an HTML part");
                }
                if (string.IsNullOrWhiteSpace(content.Text))
                {
                    Add("text", "an email needs a plain-text part");
                }
                break;
            case Channel.Push:
                if (string.IsNullOrWhiteSpace(content.Title))
                {
                    Add("title", "the push title is empty");
                }
                else if (Length(content.Title) > rules.PushTitleMax)
                {
                    Add("title", $"the push title has {Length(content.Title)} characters; at most {rules.PushTitleMax}");
                }
                if (string.IsNullOrWhiteSpace(content.Text))
                {
                    Add("body", "the push body is empty");
                }
                else if (Length(content.Text) > rules.PushBodyMax)
                {
                    Add("body", $"the push body has {Length(content.Text)} characters; at most {rules.PushBodyMax}");
                }
                break;
            case Channel.MiniProgram:
                if (string.IsNullOrWhiteSpace(content.ProviderTemplate))
                {
                    Add("template", "the provider template id is empty");
                }
                if (content.Data is null || content.Data.Count == 0)
                {
                    Add("data", "a subscribe message needs at least one data field");
                }
                foreach (var (key, value) in content.Data ?? new Dictionary<string, string>())
                {
                    if (MiniProgramField(key, value) is { } message)
                    {
                        Add(ChannelParts.DataPrefix + key, message);
                    }
                }
                break;
            default:
                Add("", $"no checks for channel {manifest.Channel}");
                break;
        }

        foreach (var (part, text) in Texts(content, manifest.Channel))
        {
            if (rules.FindBanned(text) is { } word)
            {
                Add(part, $"contains the banned word \"{word}\"");
            }
        }
        return problems;
    }

    /// <summary>Length as a reader counts it: user-perceived characters, so an emoji counts once.</summary>
    public static int Length(string text) => new StringInfo(text).LengthInTextElements;

    private static IEnumerable<(string Part, string? Text)> Texts(MessageContent c, Channel channel)
    {
        // A subscribe message's Text only joins its data fields for logs and previews: check the fields themselves.
        if (channel != Channel.MiniProgram)
        {
            yield return (channel == Channel.Push ? "body" : "text", c.Text);
        }
        yield return ("subject", c.Subject);
        yield return ("html", c.Html);
        yield return ("title", c.Title);
        foreach (var (key, value) in c.Data ?? new Dictionary<string, string>())
        {
            yield return (ChannelParts.DataPrefix + key, value);
        }
    }

    [GeneratedRegex(@"^(?<kind>[a-z_]+?)(?<n>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldKey();

    /// <summary>
    /// WeChat subscribe-message value rules, by the kind the key names (<c>thing1</c> is a thing): thing at most 20
    /// characters, phrase 5, name 10, symbol 5, car_number 8, phone_number 17, number/letter/character_string 32 of
    /// their character class, amount a currency sign and digits; time and date not empty.
    /// </summary>
    private static string? MiniProgramField(string key, string value)
    {
        var match = FieldKey().Match(key);
        if (!match.Success)
        {
            return $"'{key}' is not a subscribe-message key (kind and number, e.g. thing1)";
        }
        if (value.Trim().Length == 0)
        {
            return "empty value";
        }
        var length = Length(value);
        return match.Groups["kind"].Value switch
        {
            "thing" => length > 20 ? $"a thing value has at most 20 characters, not {length}" : null,
            "phrase" => length > 5 ? $"a phrase value has at most 5 characters, not {length}" : null,
            "name" => length > 10 ? $"a name value has at most 10 characters, not {length}" : null,
            "symbol" => length > 5 ? $"a symbol value has at most 5 characters, not {length}" : null,
            "car_number" => length > 8 ? $"a car_number value has at most 8 characters, not {length}" : null,
            "phone_number" => length > 17 || !value.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ') ? "a phone_number value has at most 17 digits" : null,
            "number" => length > 32 || !value.All(c => char.IsAsciiDigit(c) || c == '.') ? "a number value has at most 32 digits" : null,
            "letter" => length > 32 || !value.All(char.IsAsciiLetter) ? "a letter value has at most 32 letters" : null,
            "character_string" => length > 32 || !value.All(c => c is > ' ' and <= '~') ? "a character_string value has at most 32 ASCII letters, digits or symbols" : null,
            "amount" => length > 12 ? "an amount value is a currency sign and at most 10 digits" : null,
            "time" or "date" => null,
            var kind => $"unknown subscribe-message field kind '{kind}'",
        };
    }
}
