namespace Lodestar.Analytics.Clv;

internal static class Parameter
{
    public static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "Model parameters are finite and positive.");

    public static double NotNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, "Must be finite and not negative.");
}
