using CsCheck;
using Lodestar.Scoring;

namespace Lodestar.Tests.Scoring;

public sealed class RfmPropertyTests
{
    /// <summary>Small populations with many ties (as real order counts have), so bins collapse and edges are hit.</summary>
    private static readonly Gen<RfmCustomer[]> GenPopulation =
        Gen.Select(Gen.Int[0, 400], Gen.Long[1, 12], Gen.Int[0, 2_000])
            .Select((days, orders, cents) => new RfmCustomer("c", days, orders, cents / 4.0))
            .Array[1, 60]
            .Select(cs => cs.Select((c, i) => c with { Key = $"c{i}" }).ToArray());

    private static RfmScore ScoreOf(RfmCustomer[] population, int i) => RfmModel.Fit(RfmScheme.Default, population).Score(population[i]);

    [Fact]
    public void Score_MoreSpend_NeverLowersMonetary() =>
        Gen.Select(GenPopulation, Gen.Int[0, 1_000], Gen.Double[0, 500]).Sample((population, pick, extra) =>
        {
            var i = pick % population.Length;
            var richer = population.ToArray();
            richer[i] = richer[i] with { Monetary = richer[i].Monetary + extra };

            Assert.True(ScoreOf(richer, i).Monetary >= ScoreOf(population, i).Monetary);
        });

    [Fact]
    public void Score_MoreOrders_NeverLowersFrequency() =>
        Gen.Select(GenPopulation, Gen.Int[0, 1_000], Gen.Long[0, 10]).Sample((population, pick, extra) =>
        {
            var i = pick % population.Length;
            var busier = population.ToArray();
            busier[i] = busier[i] with { Orders = busier[i].Orders + extra };

            Assert.True(ScoreOf(busier, i).Frequency >= ScoreOf(population, i).Frequency);
        });

    [Fact]
    public void Score_MoreRecentOrder_NeverLowersRecency() =>
        Gen.Select(GenPopulation, Gen.Int[0, 1_000], Gen.Int[0, 400]).Sample((population, pick, fewer) =>
        {
            var i = pick % population.Length;
            var recent = population.ToArray();
            recent[i] = recent[i] with { RecencyDays = Math.Max(0, recent[i].RecencyDays - fewer) };

            Assert.True(ScoreOf(recent, i).Recency >= ScoreOf(population, i).Recency);
        });

    [Fact]
    public void Analyse_AnyPopulation_GivesEveryCustomerScoresInRangeAndOneSegment() =>
        GenPopulation.Sample(population =>
        {
            var analysis = Rfm.Analyse(population, RfmScheme.Default);

            Assert.All(analysis.Customers, r =>
            {
                Assert.InRange(r.Score.Recency, 1, 5);
                Assert.InRange(r.Score.Frequency, 1, 5);
                Assert.InRange(r.Score.Monetary, 1, 5);
                Assert.Contains(r.Segment, RfmScheme.Default.SegmentNames);
            });
            Assert.Equal(population.Length, analysis.Segments.Sum(s => s.Customers));
            Assert.Equal(population.Sum(c => c.Orders), analysis.Transactions);
        });

    private static readonly Gen<RfmScheme> GenScheme =
        Gen.Select(Gen.Int[2, 9], Gen.Int[2, 9], Gen.Double[0, 100].Array[1, 8], Gen.Int[0, 1_000].Array[6].Array[0, 6]).Select((rb, fb, thresholds, ranges) =>
        {
            var monetary = RfmBinning.Fixed([.. thresholds.Order()]);
            ScoreRange Range(int a, int b, int max) => new(Math.Min(a % max, b % max) + 1, Math.Max(a % max, b % max) + 1);
            var rules = ranges.Select((r, i) => new RfmSegmentRule($"segment {i}", Range(r[0], r[1], rb), Range(r[2], r[3], fb), Range(r[4], r[5], monetary.Scores)));
            return new RfmScheme(RfmBinning.Quantile(rb), RfmBinning.Quantile(fb), monetary, rules, "Rest");
        });

    [Fact]
    public void SchemeJson_AnyScheme_RoundTrips() =>
        GenScheme.Sample(scheme =>
        {
            var parsed = RfmScheme.Parse(scheme.ToJson());

            Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
            Assert.Equal(scheme.Segments, parsed.Value!.Segments);
            Assert.Equal((scheme.Recency, scheme.Frequency, scheme.Monetary, scheme.Otherwise),
                (parsed.Value.Recency, parsed.Value.Frequency, parsed.Value.Monetary, parsed.Value.Otherwise));
        });
}
