namespace Lodestar.Sources;

/// <summary>Amounts to minor units by ISO 4217 exponent (CNY, GBP, USD, EUR: 2; JPY, KRW: 0).</summary>
public static class Money
{
    public static int Exponent(string currency) => currency.ToUpperInvariant() switch
    {
        "JPY" or "KRW" or "VND" => 0,
        "KWD" or "BHD" => 3,
        _ => 2,
    };

    public static long ToMinor(decimal amount, string currency) =>
        (long)decimal.Round(amount * Pow10(Exponent(currency)), MidpointRounding.AwayFromZero);

    private static decimal Pow10(int e) => e switch { 0 => 1m, 3 => 1000m, _ => 100m };
}
