namespace Lodestar.Content;

/// <summary>
/// Why a template (or one locale of it, or one part of that) cannot be sent: a parse error, an unknown variable, a
/// missing part, a channel limit passed. Expected outcomes, so they are returned, never thrown.
/// </summary>
public sealed record ContentProblem(string Template, string? Locale, string Part, string Message)
{
    public override string ToString() =>
        $"{Template}{(Locale is null ? "" : "/" + Locale)}{(Part.Length == 0 ? "" : " " + Part)}: {Message}";
}
