using System.Collections.Immutable;
using System.Globalization;
using Lodestar.Journeys;
using Lodestar.Validation;

namespace Lodestar.Campaigns;

/// <summary>
/// Reads metrics options as the CLI and the API take them: <c>window</c> as "7d", "48h" or "90m"; <c>currency</c> as an
/// ISO 4217 code; each <c>cost</c> as "channel=amount" in major units ("sms=0.045").
/// </summary>
public static class MetricsOptionsParser
{
    public static Validated<MetricsOptions> Parse(string? window, string? currency, IEnumerable<string>? costs)
    {
        var errors = new List<FieldError>();
        var options = MetricsOptions.Default;
        if (!string.IsNullOrWhiteSpace(window))
        {
            if (TryDuration(window.Trim(), out var w) && w > TimeSpan.Zero)
            {
                options = options with { AttributionWindow = w };
            }
            else
            {
                errors.Add(new FieldError("/window", "must be a positive duration such as 7d, 48h or 90m"));
            }
        }
        if (!string.IsNullOrWhiteSpace(currency))
        {
            if (currency.Trim() is { Length: 3 } c && c.All(char.IsAsciiLetter))
            {
                options = options with { Currency = c.ToUpperInvariant() };
            }
            else
            {
                errors.Add(new FieldError("/currency", "must be a three-letter ISO 4217 code"));
            }
        }
        var table = ImmutableDictionary.CreateBuilder<Channel, decimal>();
        var i = 0;
        foreach (var cost in costs ?? [])
        {
            var parts = cost.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && Channels.TryParse(parts[0], out var channel)
                && decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
            {
                table[channel] = amount;
            }
            else
            {
                errors.Add(new FieldError($"/cost/{i}", $"must be channel=amount with a channel of {Channels.KnownNames} and an amount ≥ 0"));
            }
            i++;
        }
        return errors.Count > 0 ? Validated<MetricsOptions>.Fail(errors) : Validated<MetricsOptions>.Ok(options with { CostPerMessage = table.ToImmutable() });
    }

    private static bool TryDuration(string s, out TimeSpan value)
    {
        value = default;
        if (s.Length < 2 || !double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 3650 * 24 * 60)
        {
            return false;
        }
        value = char.ToLowerInvariant(s[^1]) switch
        {
            'd' => TimeSpan.FromDays(n),
            'h' => TimeSpan.FromHours(n),
            'm' => TimeSpan.FromMinutes(n),
            _ => default,
        };
        return value > TimeSpan.Zero && value <= TimeSpan.FromDays(3650);
    }
}
