using CsCheck;
using Lodestar.Analytics.Clv;

namespace Lodestar.Tests.Clv;

/// <summary>Invariants of the predictions over wide parameter ranges and customer histories.</summary>
public sealed class ClvPropertyTests
{
    private static Gen<double> Positive(double low, double high) => Gen.Double[Math.Log(low), Math.Log(high)].Select(Math.Exp);

    private static readonly Gen<BgNbdModel> GenBgNbd =
        Gen.Select(Positive(0.05, 5), Positive(0.5, 60), Positive(0.05, 5), Positive(0.05, 10), (r, alpha, a, b) => new BgNbdModel(r, alpha, a, b));

    private static readonly Gen<ParetoNbdModel> GenPareto =
        Gen.Select(Positive(0.05, 5), Positive(0.5, 60), Positive(0.05, 5), Positive(0.5, 60), (r, alpha, s, beta) => new ParetoNbdModel(r, alpha, s, beta));

    private static readonly Gen<IRepeatPurchaseModel> GenModel = Gen.OneOf(GenBgNbd.Select(m => (IRepeatPurchaseModel)m), GenPareto.Select(m => (IRepeatPurchaseModel)m));

    /// <summary>q &gt; 1: the population mean spend exists (the CLV run handles q ≤ 1 separately).</summary>
    private static readonly Gen<GammaGammaModel> GenSpend =
        Gen.Select(Positive(0.2, 20), Gen.Double[1.01, 10], Positive(0.5, 200), (p, q, gamma) => new GammaGammaModel(p, q, gamma));

    /// <summary>A history in weeks: age up to two years, up to 60 repeat purchases, recency within the age.</summary>
    private static readonly Gen<CustomerSummary> GenCustomer =
        Gen.Select(Gen.Double[0, 104], Gen.Int[0, 60], Gen.Double[0, 1], Positive(0.5, 500), (age, x, share, m) =>
            CustomerSummary.Create("c", x, x == 0 ? 0 : share * age, age, x == 0 ? 0 : m));

    [Fact]
    public void Clv_AnyModelAndHistory_IsFiniteAndNotNegative() =>
        Gen.Select(GenModel, GenSpend, GenCustomer, Gen.Double[0, 260], Gen.Double[0, 0.05]).Sample((model, spend, customer, horizon, rate) =>
        {
            var clv = CustomerLifetimeValue.Discounted(model, customer, spend.ExpectedAverageValue(customer), horizon, rate);

            return double.IsFinite(clv) && clv >= 0;
        });

    [Fact]
    public void ProbabilityAlive_AnyModelAndHistory_IsAProbability() =>
        Gen.Select(GenModel, GenCustomer).Sample((model, customer) =>
        {
            var p = model.ProbabilityAlive(customer);

            return p is >= 0 and <= 1;
        });

    /// <summary>Under BG/NBD customers drop out only right after a purchase: no repeat purchase, certainly alive.</summary>
    [Fact]
    public void ProbabilityAlive_BgNbdWithoutRepeatPurchases_IsOne() =>
        Gen.Select(GenBgNbd, Gen.Double[0, 104]).Sample((model, age) => model.ProbabilityAlive(CustomerSummary.Create("c", 0, 0, age)) == 1);

    /// <summary>
    /// For a customer whose last purchase is at the calibration end (t_x = T), more purchases mean more expected purchases.
    /// Under BG/NBD from x = 1 on: x = 0 is its own regime there (certainly alive, see above), so x = 0 → 1 may go either way.
    /// </summary>
    [Fact]
    public void ExpectedPurchases_RecentCustomer_IncreasesWithFrequency() =>
        Gen.Select(GenModel, Gen.Double[0.5, 104], Gen.Int[1, 59], Gen.Double[1, 260]).Sample((model, age, x, t) =>
        {
            var fewer = model.ExpectedPurchases(CustomerSummary.Create("c", x, age, age), t);
            var more = model.ExpectedPurchases(CustomerSummary.Create("c", x + 1, age, age), t);

            return more >= fewer * (1 - 1e-9);
        });

    [Fact]
    public void ExpectedPurchases_ParetoRecentCustomer_IncreasesFromZeroToOnePurchase() =>
        Gen.Select(GenPareto, Gen.Double[0.5, 104], Gen.Double[1, 260]).Sample((model, age, t) =>
            model.ExpectedPurchases(CustomerSummary.Create("c", 1, age, age), t) >= model.ExpectedPurchases(CustomerSummary.Create("c", 0, 0, age), t));

    /// <summary>For fixed frequency and age, a later last purchase means a customer more likely alive and more purchases ahead.</summary>
    [Fact]
    public void ExpectedPurchasesAndProbabilityAlive_IncreaseWithRecency() =>
        Gen.Select(GenModel, Gen.Double[0.5, 104], Gen.Int[1, 60], Gen.Double[0, 1], Gen.Double[0, 1], Gen.Double[1, 260]).Sample((model, age, x, u, v, t) =>
        {
            var earlier = CustomerSummary.Create("c", x, Math.Min(u, v) * age, age);
            var later = CustomerSummary.Create("c", x, Math.Max(u, v) * age, age);

            return model.ProbabilityAlive(later) >= model.ProbabilityAlive(earlier) * (1 - 1e-9)
                && model.ExpectedPurchases(later, t) >= model.ExpectedPurchases(earlier, t) * (1 - 1e-9);
        });

    [Fact]
    public void ExpectedPurchases_IncreasesWithTheHorizon() =>
        Gen.Select(GenModel, GenCustomer, Gen.Double[0, 260], Gen.Double[0, 260]).Sample((model, customer, s, t) =>
            model.ExpectedPurchases(customer, Math.Max(s, t)) >= model.ExpectedPurchases(customer, Math.Min(s, t)) * (1 - 1e-9));

    /// <summary>
    /// Not every "more is better" holds: a frequent buyer who has been silent for long has most likely left, so at low
    /// recency more past purchases predict fewer future ones (the iso-value curves of Fader, Hardie and Lee 2005,
    /// "RFM and CLV", Journal of Marketing Research 42(4)). This is why the monotonicity in frequency above is
    /// stated for t_x = T only.
    /// </summary>
    [Fact]
    public void ExpectedPurchases_LongSilentFrequentBuyer_IsBelowAnOccasionalOne()
    {
        var model = new BgNbdModel(0.243, 4.414, 0.793, 2.426); // CDNOW fit

        var occasional = model.ExpectedPurchases(CustomerSummary.Create("c", 1, 2, 38.86), 52);
        var frequent = model.ExpectedPurchases(CustomerSummary.Create("c", 10, 2, 38.86), 52);

        Assert.True(frequent < occasional, $"frequent {frequent:F4}, occasional {occasional:F4}");
    }
}
