using System.Globalization;
using Lodestar.Customers;
using Lodestar.Jobs;
using Lodestar.Profiles;
using Lodestar.Runs;
using Lodestar.Scoring;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>The monthly run over buyers simulated from BG/NBD: the CLV refit from profile totals, churn without history, tiers.</summary>
public sealed class BuyersRunTests(BuyersFixture buyers) : IClassFixture<BuyersFixture>
{
    private static ScheduledJobs Jobs(IProfileStore store, IRunLedger ledger, TestClock clock) =>
        new(store, ledger, clock, Instants.Schedule, Instants.Options);

    [Fact]
    public async Task MonthlyRun_WithoutHistory_RefitsClv_SkipsChurnWithTheReason_AndTiersEveryone()
    {
        using var store = await buyers.CopyAsync();
        var jobs = Jobs(store.Store, store.Store, new TestClock(Instants.RunTime));
        await jobs.RunAsync(jobs.Period(RunKind.Daily), null, TestContext.Current.CancellationToken);

        var report = await jobs.RunAsync(jobs.Period(RunKind.Monthly), null, TestContext.Current.CancellationToken);

        var clv = report.Steps.Single(s => s.Step == RunSteps.Clv).Outcome;
        Assert.StartsWith("BG/NBD", clv, StringComparison.Ordinal);
        Assert.Equal(ModelSkipped.Prefix + Lodestar.Jobs.Models.ScorePropensity.NoHistory, report.Steps.Single(s => s.Step == RunSteps.Churn).Outcome);
        var profiles = await store.ProfilesAsync();
        Assert.All(profiles.Where(p => p.Counters.Orders > 0), p =>
        {
            Assert.True(double.Parse(p.Tags[JobTags.Clv].Value, CultureInfo.InvariantCulture) >= 0);
            Assert.InRange(double.Parse(p.Tags[JobTags.ProbabilityAlive].Value, CultureInfo.InvariantCulture), 0, 1);
        });
        Assert.All(profiles.Where(p => p.Counters.Orders == 0), p => Assert.False(p.Tags.ContainsKey(JobTags.Clv) || p.Tags.ContainsKey(JobTags.ProbabilityAlive)));
        Assert.DoesNotContain(profiles, p => p.Tags.ContainsKey(JobTags.ChurnScore));
        Assert.Equal(BuyersFixture.Buyers + BuyersFixture.Visitors, profiles.Count(p => p.Tags.ContainsKey(ScoringTags.Tier)));
    }

    [Fact]
    public async Task ClvRefit_RecoversTheSimulatedProcess_RoughlyFromProfileTotals()
    {
        using var store = await buyers.CopyAsync();
        var result = await new Lodestar.Jobs.Clv.RefitClv(store.Store, new ClvJobOptions()).RunAsync(new DateOnly(2025, 6, 30), TimeSpan.FromHours(8), Instants.End, TestContext.Current.CancellationToken);

        var fit = result as ClvRefitted;
        Assert.True(fit is not null, result.Outcome);
        // Simulated with r 0.243, α 4.414, a 0.793, b 2.426: a finite sample, so the same order of magnitude, no more.
        Assert.InRange(fit.BgNbd.R, 0.12, 0.5);
        Assert.InRange(fit.BgNbd.A / (fit.BgNbd.A + fit.BgNbd.B), 0.15, 0.35); // mean drop-out probability, 0.246 simulated
        Assert.Equal(BuyersFixture.Buyers, fit.Buyers);
    }

    [Fact]
    public async Task CrashInTheMiddleOfTheClvStep_TheRerunEndsWhereAnUninterruptedRunEnds()
    {
        using var clean = await buyers.CopyAsync();
        using var crashed = await buyers.CopyAsync();
        var clock = new TestClock(Instants.RunTime);
        var period = Jobs(clean.Store, clean.Store, clock).Period(RunKind.Monthly);
        foreach (var step in Jobs(clean.Store, clean.Store, clock).Steps(period))
        {
            await step.Execute(TestContext.Current.CancellationToken);
        }

        var failing = new FailingStore(crashed.Store, failOnSave: null);
        var steps = Jobs(failing, crashed.Store, clock).Steps(period);
        await steps.Single(s => s.Name == RunSteps.MonthlyTags).Execute(TestContext.Current.CancellationToken);
        failing.Reset(failOnSave: 2); // the CLV step's first batch is saved, the second is not
        await Assert.ThrowsAsync<IOException>(() => steps.Single(s => s.Name == RunSteps.Clv).Execute(TestContext.Current.CancellationToken));
        failing.Reset(failOnSave: null);
        foreach (var step in steps.SkipWhile(s => s.Name != RunSteps.Clv))
        {
            await step.Execute(TestContext.Current.CancellationToken);
        }

        Assert.Equal(Tags(await clean.StateAsync()), Tags(await crashed.StateAsync()));
    }

    /// <summary>Tags without their versions: the crashed run saved in more rounds, so versions differ, values must not.</summary>
    private static IEnumerable<(string, string)> Tags(IEnumerable<KeyValuePair<string, (long Version, string Tags)>> state) => state.Select(s => (s.Key, s.Value.Tags));

    /// <summary>A store whose n-th save throws, as a process dying in the middle of a step would leave it.</summary>
    private sealed class FailingStore(IProfileStore inner, int? failOnSave) : IProfileStore
    {
        private int? _failOn = failOnSave;
        private int _saves;

        public void Reset(int? failOnSave) => (_failOn, _saves) = (failOnSave, 0);

        public Task<Profile?> GetAsync(CustomerId id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

        public Task<CustomerId?> FindAsync(string graphKey, CancellationToken cancellationToken) => inner.FindAsync(graphKey, cancellationToken);

        public Task<IReadOnlyList<Ingestion.MergeRecord>> MergesAsync(CustomerId id, CancellationToken cancellationToken) => inner.MergesAsync(id, cancellationToken);

        public IAsyncEnumerable<Profile> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);

        public Task<IReadOnlyList<CustomerId>> SaveAsync(IReadOnlyCollection<Profile> profiles, CancellationToken cancellationToken) =>
            ++_saves == _failOn ? throw new IOException("the process died here") : inner.SaveAsync(profiles, cancellationToken);

        public Task<bool> EraseAsync(CustomerId id, CancellationToken cancellationToken) => inner.EraseAsync(id, cancellationToken);
    }
}
