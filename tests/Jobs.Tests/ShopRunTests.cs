using Lodestar.Jobs;
using Lodestar.Runs;
using Lodestar.Scoring;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>The daily and monthly runs over a small synthetic shop in a SQLite store, models trained on its own history.</summary>
public sealed class ShopRunTests(ShopFixture shop) : IClassFixture<ShopFixture>
{
    private static ScheduledJobs Jobs(TempStore store, TestClock clock, ShopFixture shop) =>
        new(store.Store, store.Store, clock, Instants.Schedule, Instants.Options, shop.History);

    [Fact]
    public async Task DailyRun_OwedAtHalfPastThree_ScoresTheDay_AndWritesEveryTag()
    {
        using var store = await shop.CopyAsync();
        var jobs = Jobs(store, new TestClock(Instants.RunTime), shop);

        var period = jobs.Period(RunKind.Daily);
        var report = await jobs.RunAsync(period, null, TestContext.Current.CancellationToken);

        Assert.Equal(Instants.Day, report.Period);
        Assert.Equal(Instants.End, period.AsOf);
        Assert.Equal([RunSteps.Rfm, RunSteps.DailyTags, RunSteps.Propensity, RunSteps.Segments], report.Steps.Select(s => s.Step));
        Assert.All(report.Steps, s => Assert.False(s.Skipped));
        Assert.DoesNotContain(ModelSkipped.Prefix, report.Steps.Single(s => s.Step == RunSteps.Propensity).Outcome, StringComparison.Ordinal);
        var profiles = await store.ProfilesAsync();
        var buyers = profiles.Where(p => p.Counters.Orders > 0).ToList();
        Assert.NotEmpty(buyers);
        Assert.All(buyers, p => Assert.True(p.Tags.ContainsKey(ScoringTags.RfmScore) && p.Tags.ContainsKey(ScoringTags.RfmSegment)));
        Assert.All(profiles.Where(p => p.Counters.Orders == 0), p => Assert.False(p.Tags.ContainsKey(ScoringTags.RfmScore)));
        var banded = profiles.Count(p => p.Tags.TryGetValue(JobTags.Propensity, out var t) && t.Value is "high" or "medium" or "low");
        Assert.True(banded > profiles.Count * 0.9, $"{banded} of {profiles.Count} profiles have a propensity band");
        Assert.Contains(profiles, p => p.Tags.Keys.Any(k => k.StartsWith(ScoringTags.SegmentPrefix, StringComparison.Ordinal)));
        Assert.Equal(report.Steps.Select(s => s.Step).ToHashSet(), await store.Store.CompletedStepsAsync(RunKind.Daily, Instants.Day, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task MonthlyRun_AfterTheDaily_ScoresChurnWithReasons_AndGivesEveryProfileOneTier()
    {
        using var store = await shop.CopyAsync();
        var jobs = Jobs(store, new TestClock(Instants.RunTime), shop);
        await jobs.RunAsync(jobs.Period(RunKind.Daily), null, TestContext.Current.CancellationToken);

        var report = await jobs.RunAsync(jobs.Period(RunKind.Monthly), null, TestContext.Current.CancellationToken);

        Assert.Equal(Instants.Month, report.Period);
        Assert.Equal([RunSteps.MonthlyTags, RunSteps.Clv, RunSteps.Churn, RunSteps.Tiers], report.Steps.Select(s => s.Step));
        var churn = report.Steps.Single(s => s.Step == RunSteps.Churn).Outcome;
        Assert.StartsWith("trained on", churn, StringComparison.Ordinal);
        var profiles = await store.ProfilesAsync();
        var scored = profiles.Where(p => p.Tags.ContainsKey(JobTags.ChurnScore)).ToList();
        Assert.NotEmpty(scored);
        Assert.All(scored, p =>
        {
            Assert.True(p.Counters.Orders > 0, "only buyers are scored");
            Assert.InRange(double.Parse(p.Tags[JobTags.ChurnScore].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 1);
            Assert.True(p.Tags.ContainsKey(JobTags.RetentionStrategy));
        });
        Assert.Contains(scored, p => p.Tags.ContainsKey(JobTags.ChurnReasons));
        // Tier assignment is total: every profile, exactly one tier (a tag holds one value), a known one.
        Assert.All(profiles, p => Assert.Contains(p.Tags[ScoringTags.Tier].Value, Instants.Options.Tiers.Names));
        var tiers = report.Steps.Single(s => s.Step == RunSteps.Tiers).Outcome;
        Assert.StartsWith($"{profiles.Count:N0} customers:", tiers, StringComparison.Ordinal);
        Assert.All(Instants.Options.Tiers.Names, name => Assert.Contains(name, tiers, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondRunOfTheSamePeriod_IsSkippedByTheLedger_AndTheStepsThemselvesChangeNothing()
    {
        using var store = await shop.CopyAsync();
        var clock = new TestClock(Instants.RunTime);
        var jobs = Jobs(store, clock, shop);
        await jobs.RunAsync(jobs.Period(RunKind.Daily), null, TestContext.Current.CancellationToken);
        await jobs.RunAsync(jobs.Period(RunKind.Monthly), null, TestContext.Current.CancellationToken);
        var before = await store.StateAsync();

        clock.Now = Instants.RunTime.AddHours(12); // later the same day: the same periods are owed
        var daily = await jobs.RunAsync(jobs.Period(RunKind.Daily), null, TestContext.Current.CancellationToken);
        var monthly = await jobs.RunAsync(jobs.Period(RunKind.Monthly), null, TestContext.Current.CancellationToken);

        Assert.All(daily.Steps.Concat(monthly.Steps), s => Assert.True(s.Skipped, $"{s.Step} ran again"));
        Assert.Equal(before, await store.StateAsync());

        // The steps re-run without the ledger (what a crash after a step's writes and before its ledger entry does).
        foreach (var step in jobs.Steps(jobs.Period(RunKind.Daily, Instants.Day)).Concat(jobs.Steps(jobs.Period(RunKind.Monthly, Instants.Month))))
        {
            await step.Execute(TestContext.Current.CancellationToken);
        }
        Assert.Equal(before, await store.StateAsync());
    }

    [Fact]
    public async Task CrashBetweenSteps_TheNextRunResumesAtTheFailedStep()
    {
        using var store = await shop.CopyAsync();
        var clock = new TestClock(Instants.RunTime);
        var jobs = Jobs(store, clock, shop);
        var period = jobs.Period(RunKind.Daily);
        var failures = 1;
        var executed = new List<string>();
        IReadOnlyList<RunStep> Steps() => [.. jobs.Steps(period).Select(s => new RunStep(s.Name, ct =>
        {
            executed.Add(s.Name);
            if (s.Name == RunSteps.Propensity && failures-- > 0)
            {
                throw new IOException("the process died here");
            }
            return s.Execute(ct);
        }))];

        await Assert.ThrowsAsync<IOException>(() => new PeriodicRun(store.Store, clock).RunAsync(RunKind.Daily, period.Name, Steps(), TestContext.Current.CancellationToken));
        Assert.Equal([RunSteps.Rfm, RunSteps.DailyTags], await store.Store.CompletedStepsAsync(RunKind.Daily, period.Name, TestContext.Current.CancellationToken));

        executed.Clear();
        var resumed = await new PeriodicRun(store.Store, clock).RunAsync(RunKind.Daily, period.Name, Steps(), TestContext.Current.CancellationToken);

        Assert.Equal([RunSteps.Propensity, RunSteps.Segments], executed);
        Assert.Equal([true, true, false, false], resumed.Steps.Select(s => s.Skipped));
        Assert.Contains(await store.ProfilesAsync(), p => p.Tags.ContainsKey(JobTags.Propensity));
    }

    [Fact]
    public async Task Churn_AModelNoBetterThanChance_IsNotUsed_AndWritesNoScore()
    {
        using var store = await shop.CopyAsync();
        var options = Instants.Options with { Churn = Instants.Options.Churn with { MinimumAuc = 0.99 } };
        var jobs = new ScheduledJobs(store.Store, store.Store, new TestClock(Instants.RunTime), Instants.Schedule, options, shop.History);

        var report = await jobs.RunAsync(jobs.Period(RunKind.Monthly), null, TestContext.Current.CancellationToken);

        var outcome = report.Steps.Single(s => s.Step == RunSteps.Churn).Outcome;
        Assert.StartsWith(ModelSkipped.Prefix, outcome, StringComparison.Ordinal);
        Assert.Contains("needs 0.99", outcome, StringComparison.Ordinal);
        Assert.DoesNotContain(await store.ProfilesAsync(), p => p.Tags.ContainsKey(JobTags.ChurnScore));
    }

    [Fact]
    public async Task Propensity_WithTooShortAHistory_IsSkippedWithTheReason_AndWritesNoBand()
    {
        using var store = await shop.CopyAsync();
        var recent = new Lodestar.Jobs.History.RecordedHistory([.. shop.History.Events.Where(e => e.Timestamp > Instants.End.AddDays(-20))]);
        var jobs = new ScheduledJobs(store.Store, store.Store, new TestClock(Instants.RunTime), Instants.Schedule, Instants.Options, recent);

        var report = await jobs.RunAsync(jobs.Period(RunKind.Daily), null, TestContext.Current.CancellationToken);

        var outcome = report.Steps.Single(s => s.Step == RunSteps.Propensity).Outcome;
        Assert.StartsWith(ModelSkipped.Prefix + "not enough history", outcome, StringComparison.Ordinal);
        Assert.DoesNotContain(await store.ProfilesAsync(), p => p.Tags.ContainsKey(JobTags.Propensity));
    }
}
