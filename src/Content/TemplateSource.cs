using System.Text.RegularExpressions;

namespace Lodestar.Content;

/// <summary>
/// One locale file (<c>templates/ID/zh-CN.liquid</c>) split into its parts. A part starts at a line
/// <c>=== name ===</c> and runs to the next such line; its Liquid source is trimmed of surrounding blank lines (and, for
/// one-line parts such as a subject or a title, of all surrounding white space). Only blank lines may come before the
/// first part.
/// </summary>
public static partial class TemplateSource
{
    [GeneratedRegex(@"^===\s*(?<name>[A-Za-z][A-Za-z0-9_.]*)\s*===\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PartLine();

    public static (IReadOnlyList<KeyValuePair<string, string>> Parts, IReadOnlyList<string> Errors) Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var matches = PartLine().Matches(text);
        var errors = new List<string>();
        if (matches.Count == 0)
        {
            return ([], ["no parts: a part starts with a line \"=== name ===\""]);
        }
        if (text[..matches[0].Index].Trim().Length > 0)
        {
            errors.Add("text before the first \"=== part ===\" line");
        }
        var parts = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < matches.Count; i++)
        {
            var name = matches[i].Groups["name"].Value;
            var start = matches[i].Index + matches[i].Length;
            var end = i + 1 < matches.Count ? matches[i + 1].Index : text.Length;
            if (parts.Any(p => p.Key == name))
            {
                errors.Add($"part '{name}' appears twice");
                continue;
            }
            parts.Add(new(name, Tidy(text[start..end])));
        }
        return (parts, errors);
    }

    /// <summary>Trims blank lines around a part, and the trailing white space of every line.</summary>
    private static string Tidy(string body)
    {
        var lines = body.Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0)
        {
            lines.RemoveAt(0);
        }
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return string.Join('\n', lines);
    }
}
