using System.Globalization;

namespace Lodestar.Learning.Churn;

/// <summary>Per-customer churn results as CSV: <c>customer_id, probability, at_risk, strategy, reason_1, contribution_1, ...</c> (three reasons).</summary>
public static class ChurnRiskCsv
{
    public const int Reasons = 3;

    public static async Task WriteAsync(TextWriter writer, IEnumerable<ChurnRisk> risks)
    {
        var header = new List<string> { "customer_id", "probability", "at_risk", "strategy" };
        for (var i = 1; i <= Reasons; i++)
        {
            header.AddRange([$"reason_{i}", $"feature_{i}", $"contribution_{i}"]);
        }
        await writer.WriteLineAsync(string.Join(',', header));
        foreach (var r in risks)
        {
            var fields = new List<string> { Quote(r.CustomerId), F(r.Probability), r.AtRisk ? "1" : "0", Quote(r.Strategy) };
            for (var i = 0; i < Reasons; i++)
            {
                fields.AddRange(i < r.Reasons.Length ? [Quote(r.Reasons[i].Reason), Quote(r.Reasons[i].Feature), F(r.Reasons[i].Value)] : ["", "", ""]);
            }
            await writer.WriteLineAsync(string.Join(',', fields));
        }
    }

    private static string F(double x) => x.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;
}
