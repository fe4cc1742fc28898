using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

namespace Lodestar.Content;

/// <summary>The one Liquid parser and option set: strict filters, a step limit, invariant culture.</summary>
internal static class Liquid
{
    /// <summary>Thread-safe once built; parsing is the costly step, so templates are parsed once at load.</summary>
    public static readonly FluidParser Parser = new(new FluidParserOptions { AllowFunctions = false });

    /// <summary>
    /// Variables are checked on the syntax tree at load (<see cref="TemplateVariables"/>), not by strict rendering:
    /// an absent tag (<c>customer.tags.vip</c>) is a legitimate nil. The step limit stops a runaway loop (an AI
    /// variant is untrusted text).
    /// </summary>
    public static readonly TemplateOptions Options = new()
    {
        StrictFilters = true,
        MaxSteps = 100_000,
        CultureInfo = CultureInfo.InvariantCulture,
    };

    /// <summary>Escapes markup but keeps Chinese and other letters as they are.</summary>
    public static readonly TextEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static bool IsKnownFilter(string name) => Options.Filters.TryGetValue(name, out _);
}
