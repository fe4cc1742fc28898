using System.Globalization;
using Lodestar.Analytics.Clv;
using Lodestar.Customers;
using Lodestar.Profiles;
using Lodestar.Scoring;

namespace Lodestar.Jobs.Clv;

/// <summary>
/// The monthly CLV refit: BG/NBD (purchase counts and P(alive)) and Gamma-Gamma (spend per purchase) fitted on every
/// buyer's profile totals at the period's last day, and each buyer's discounted CLV over the horizon written as
/// <c>clv</c> (rounded to whole currency units) with <c>p_alive</c> (two decimals). Non-buyers carry neither tag.
/// </summary>
/// <remarks>
/// <para>
/// A profile keeps running totals, not its transactions, so the summary (docs/clv.md) is approximated from them:
/// x = orders − 1; t_x = weeks from the first to the last order; T = weeks from the first order to the period's last
/// day; m̄ = spend net of refunds ÷ orders. Against the transaction-level summaries of
/// <see cref="CustomerSummaries.FromTransactions"/> this differs in three ways: orders on the same day count as
/// separate purchases (the transaction summaries merge them into one occasion), m̄ averages all orders including the
/// first (the published convention averages the repeat purchases only), and refunds are netted out of spend. Weeks
/// are whole calendar days in the tenant's zone ÷ 7, as there.
/// </para>
/// <para>
/// The counters are lifetime totals: orders placed after the period (a late run) cannot be excluded; the last order
/// is then capped at the period's last day. The fit is deterministic, so a re-run on the same profiles writes the same
/// values. A fit that does not settle at an interior maximum writes nothing and says so, except for the one boundary
/// that has a meaning (every buyer with the same drop-out probability, see <see cref="Settle"/>).
/// </para>
/// </remarks>
public sealed class RefitClv(IProfileStore store, ClvJobOptions options)
{
    public async Task<ModelStepResult> RunAsync(DateOnly lastDay, TimeSpan zone, DateTimeOffset setAt, CancellationToken cancellationToken)
    {
        var summaries = new Dictionary<CustomerId, CustomerSummary>();
        await foreach (var profile in store.ReadAllAsync(cancellationToken))
        {
            if (Summary(profile, lastDay, zone) is { } s)
            {
                summaries[profile.Id] = s;
            }
        }
        var repeat = summaries.Values.Count(s => s.Frequency > 0 && s.MonetaryValue > 0);
        if (summaries.Count < options.MinimumBuyers || repeat < options.MinimumRepeatBuyers)
        {
            return new ModelSkipped(F($"not enough buyers: {summaries.Count:N0} with an order by {lastDay:yyyy-MM-dd}, {repeat:N0} of them repeat buyers (needs {options.MinimumBuyers:N0} and {options.MinimumRepeatBuyers:N0})"));
        }
        var customers = summaries.Values.ToArray();
        var fit = BgNbdModel.Fit(customers);
        var spend = GammaGammaModel.Fit(customers);
        if (!spend.Converged)
        {
            return new ModelSkipped(F($"the Gamma-Gamma fit on {repeat:N0} repeat buyers did not settle at an interior maximum; the tags of the last refit stay"));
        }
        var (purchases, note) = Settle(fit, customers);
        if (purchases is null)
        {
            return new ModelSkipped(note!);
        }
        var observedMean = customers.Where(c => c.Frequency > 0 && c.MonetaryValue > 0).Average(c => c.MonetaryValue);
        var values = summaries.ToDictionary(kv => kv.Key, kv => Value(purchases, spend.Model, kv.Value, observedMean));
        var writes = await ProfileRewrite.ApplyAsync(store, p => Apply(p, values.TryGetValue(p.Id, out var v) ? v : null, setAt), cancellationToken);
        var clvs = values.Values.Select(v => v.Clv).Order().ToArray();
        return new ClvRefitted(customers.Length, repeat, purchases, spend.Model, clvs.Sum(), clvs[clvs.Length / 2], options.HorizonWeeks, writes, note);
    }

    /// <summary>Beyond this a + b, Beta(a, b) is as good as one drop-out probability shared by every buyer.</summary>
    public const double MaxDropoutConcentration = 10_000;

    /// <summary>
    /// The BG/NBD model to value with, or null and why not. When buyers show no spread in drop-out (a shop where
    /// nobody stops buying, like the synthetic one), the likelihood keeps rising as a + b grows with a/(a+b) fixed
    /// (or as a falls to 0): the maximum is the boundary where Beta(a, b) is a point mass and every buyer shares the
    /// drop-out probability a/(a+b). The simplex then stops somewhere far along that ridge, where the closed forms need
    /// very long series (tens of seconds for a thousand buyers). The model is taken back along the ridge to
    /// a + b = <see cref="MaxDropoutConcentration"/> (same mean drop-out) if that costs at most 0.5 of log-likelihood,
    /// and the outcome says so; any other fit that did not settle is not used.
    /// </summary>
    private static (BgNbdModel? Model, string? Note) Settle(ModelFit<BgNbdModel> fit, CustomerSummary[] customers)
    {
        var m = fit.Model;
        if (m.A + m.B > MaxDropoutConcentration)
        {
            var mean = m.A / (m.A + m.B);
            var capped = new BgNbdModel(m.R, m.Alpha, mean * MaxDropoutConcentration, (1 - mean) * MaxDropoutConcentration);
            var loss = fit.LogLikelihood - capped.LogLikelihood(customers);
            return loss <= 0.5
                ? (capped, F($"no spread in drop-out: the fit ran to a boundary (a {m.A:0.###}, b {m.B:N0}) where every buyer has one drop-out probability, {mean:0.000} per purchase; valued with a + b capped at {MaxDropoutConcentration:N0} and that mean, {loss:0.00} of log-likelihood from the boundary"))
                : (null, F($"the BG/NBD fit ran to a boundary (a {m.A:N0}, b {m.B:N0}) and capping a + b loses {loss:N1} of log-likelihood; the tags of the last refit stay"));
        }
        return fit.Converged
            ? (m, null)
            : (null, F($"the BG/NBD fit on {customers.Length:N0} buyers did not settle at an interior maximum (r {m.R:0.###}, α {m.Alpha:0.###}, a {m.A:0.###}, b {m.B:0.###}); the tags of the last refit stay"));
    }

    /// <summary>The profile-total approximation of a buyer's (x, t_x, T, m̄) at the end of <paramref name="lastDay"/>; null for a non-buyer.</summary>
    public static CustomerSummary? Summary(Profile profile, DateOnly lastDay, TimeSpan zone)
    {
        var c = profile.Counters;
        if (c.Orders <= 0 || c.FirstOrderAt is not { } firstAt || c.LastOrderAt is not { } lastAt)
        {
            return null;
        }
        var first = AnalysisDay.DateOf(firstAt, zone);
        if (first > lastDay)
        {
            return null; // a buyer only after the period
        }
        var last = AnalysisDay.DateOf(lastAt, zone);
        var x = (int)Math.Min(int.MaxValue, c.Orders - 1);
        var age = (lastDay.DayNumber - first.DayNumber) / CustomerSummaries.DaysPerWeek;
        var recency = x == 0 ? 0 : Math.Min(age, (Math.Min(last.DayNumber, lastDay.DayNumber) - first.DayNumber) / CustomerSummaries.DaysPerWeek);
        var mean = x == 0 ? 0 : Math.Max(0, (c.SpendMinor - c.RefundMinor) / 100.0 / c.Orders);
        return CustomerSummary.Create(profile.Id.Value, x, recency, age, mean);
    }

    private (double Clv, double Alive) Value(BgNbdModel purchases, GammaGammaModel spend, CustomerSummary c, double observedMean)
    {
        var average = spend.ExpectedAverageValue(c);
        if (double.IsInfinity(average))
        {
            // q ≤ 1: no finite population mean; as ClvAnalysis does, the customer's own mean or the observed one.
            average = c.Frequency > 0 && c.MonetaryValue > 0 ? c.MonetaryValue : observedMean;
        }
        return (CustomerLifetimeValue.Discounted(purchases, c, average, options.HorizonWeeks, options.MonthlyDiscountRate), purchases.ProbabilityAlive(c));
    }

    private static Profile Apply(Profile profile, (double Clv, double Alive)? value, DateTimeOffset at) =>
        JobTags.With(profile, at,
            (JobTags.Clv, value is { } v ? Math.Round(v.Clv, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture) : null, JobTags.ValueFamily),
            (JobTags.ProbabilityAlive, value is { } w ? w.Alive.ToString("0.00", CultureInfo.InvariantCulture) : null, JobTags.ValueFamily));

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
