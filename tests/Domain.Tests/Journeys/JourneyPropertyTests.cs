using System.Collections.Immutable;
using System.Text.Json;
using CsCheck;
using Lodestar.Events;
using Lodestar.Journeys;
using static Lodestar.Tests.Journeys.JourneyBuild;

namespace Lodestar.Tests.Journeys;

public sealed class JourneyPropertyTests
{
    private static readonly DateTimeOffset Start = Times.Noon.AddDays(-1);

    /// <summary>
    /// A busy journey: every cart starts an instance (many at once per customer), which sends in a loop on several
    /// channels, some at the customer's best time, with short delays between.
    /// </summary>
    private static JourneyDefinition Noisy(int delayMinutes) => Definition($$"""
        { "id": "noisy", "version": 1, "name": "Noisy", "maxDuration": "5d",
          "entry": { "type": "event", "event": { "name": "Product Added" } },
          "businessKey": "properties.cartId", "reEntry": { "type": "distinctKey" },
          "start": "email",
          "nodes": [
            { "id": "email", "type": "send", "channel": "email", "template": "t1", "fallback": ["push"], "next": "pause" },
            { "id": "pause", "type": "delay", "duration": "{{delayMinutes}}m", "next": "sms" },
            { "id": "sms", "type": "send", "channel": "sms", "template": "t2", "fallback": ["miniprogram", "email"], "bestTimeWithin": "6h", "next": "again" },
            { "id": "again", "type": "delay", "duration": "{{delayMinutes * 2}}m", "next": "email" } ] }
        """);

    private static readonly Gen<(int Seed, int Customers, int WindowHours, int Delay)> GenRun =
        Gen.Select(Gen.Int[1, 10_000], Gen.Int[1, 6], Gen.Int[1, 72], Gen.Int[5, 600]);

    [Fact]
    public void Simulate_NeverTwoMarketingSendsToOneCustomerInsideTheCapWindow() =>
        GenRun.Sample(run =>
        {
            var window = TimeSpan.FromHours(run.WindowHours);
            var policy = ThrottlePolicy.Default with { DefaultCaps = [new CapRule(1, window)], TierCaps = ImmutableDictionary<string, ImmutableArray<CapRule>>.Empty };
            var population = Population.Build(run.Customers, Start, 6, run.Seed);

            var report = JourneySimulator.Run(Noisy(run.Delay), population, new SimulationOptions { Start = Start, End = Start.AddDays(6), Policy = policy });

            foreach (var customer in report.Sends.Where(s => !s.Transactional).GroupBy(s => s.Customer))
            {
                var times = customer.Select(s => s.At).Order().ToList();
                for (var i = 1; i < times.Count; i++)
                {
                    Assert.True(times[i] - times[i - 1] >= window, $"{customer.Key}: sends at {times[i - 1]:O} and {times[i]:O}, cap window {window}");
                }
            }
        }, iter: 40);

    [Fact]
    public void Simulate_NoMarketingSendInsideQuietHours() =>
        Gen.Select(GenRun, Gen.Int[0, 23], Gen.Int[1, 12]).Sample((run, from, length) =>
        {
            var quiet = new QuietHours(new TimeOnly(from, 0), new TimeOnly((from + length) % 24, 0));
            var policy = ThrottlePolicy.Default with { QuietHours = quiet, MaxDeferral = TimeSpan.FromHours(30) };
            var population = Population.Build(run.Customers, Start, 5, run.Seed);

            var report = JourneySimulator.Run(Noisy(run.Delay), population, new SimulationOptions { Start = Start, End = Start.AddDays(5), Policy = policy });

            Assert.All(report.Sends.Where(s => !s.Transactional), s =>
                Assert.False(quiet.Contains(TimeOnly.FromDateTime(s.Local.DateTime)), $"sent at {s.Local:O} inside quiet hours {quiet.From}–{quiet.To}"));
        }, iter: 40);

    private static JourneyDefinition Split(double a, double b, double holdout) => Definition($$"""
        { "id": "ab", "version": 1, "name": "AB", "entry": { "type": "api" }, "start": "split",
          "nodes": [ { "id": "split", "type": "randomSplit",
                       "arms": [ { "name": "a", "weight": {{a}}, "next": "ga" }, { "name": "b", "weight": {{b}}, "next": "gb" } ],
                       "holdout": { "weight": {{holdout}} } },
                     { "id": "ga", "type": "goal", "name": "a" }, { "id": "gb", "type": "goal", "name": "b" } ] }
        """);

    private static string ArmOf(JourneyDefinition d, Lodestar.Profiles.Profile p, string key, DateTimeOffset now) =>
        JourneyEngine.Decide(d, NewState(d, p, key), new Started(null, p), now, PolicyContext.Default).Log.Single(l => l.Node == "split").Detail;

    [Fact]
    public void Split_SameCustomer_SameArmOnEveryRun() =>
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 20], Gen.Int[1, 100], Gen.Int[1, 100], Gen.Int[0, 50], Gen.Int[0, 100_000])
            .Sample((seed, a, b, holdout, minutes) =>
            {
                var d = Split(a, b, holdout);
                var p = Customer(seed);

                Assert.Equal(ArmOf(d, p, "k1", Times.Noon), ArmOf(d, p, "k2", Times.Noon.AddMinutes(minutes)));
                Assert.Equal(ArmOf(d, p, "k1", Times.Noon), ArmOf(Split(a, b, holdout), Customer(seed) with { Version = 9 }, "k3", Times.Noon));
            });

    [Fact]
    public void Split_Shares_FollowTheWeights()
    {
        var d = Split(45, 45, 10);
        var arms = Enumerable.Range(0, 10_000).Select(i => ArmOf(d, Customer($"share-{i}"), "k", Times.Noon)).GroupBy(x => x.Split(' ')[1]).ToDictionary(g => g.Key, g => g.Count() / 10_000.0);

        Assert.InRange(arms["a"], 0.43, 0.47);
        Assert.InRange(arms["b"], 0.43, 0.47);
        Assert.InRange(arms["holdout"], 0.085, 0.115);
    }

    private enum Move { Cart, Purchase, Browse, Withdraw, Grant, Timer, Timeout, Profile, Result, Restart }

    private static readonly Gen<(Move Move, int Minutes)[]> GenScript =
        Gen.Select(Gen.Enum<Move>(), Gen.Int[0, 26 * 60]).Array[1, 30];

    /// <summary>Feeds a script of inputs (many of them out of place) to the engine and returns what it decided.</summary>
    private static List<string> Play(JourneyDefinition d, (Move Move, int Minutes)[] script)
    {
        var profile = Customer();
        var state = NewState(d, profile);
        var seen = new List<string>();
        var lastMessage = "msg_none";
        foreach (var (move, minutes) in script.OrderBy(s => s.Minutes))
        {
            var now = Times.Noon.AddMinutes(minutes);
            JourneyInput input = move switch
            {
                Move.Cart => new EventArrived(CartAdd(now, "cart-x") with { MessageId = $"m{minutes}" }),
                Move.Purchase => new EventArrived(Purchase(now) with { MessageId = $"m{minutes}" }),
                Move.Browse => new EventArrived(Event("Product Detail", now, null, EventType.Page, $"m{minutes}")),
                Move.Withdraw => new EventArrived(ConsentChange("email", false, now) with { MessageId = $"m{minutes}" }),
                Move.Grant => new EventArrived(ConsentChange("email", true, now) with { MessageId = $"m{minutes}" }),
                Move.Timer => TimerFired.Instance,
                Move.Timeout => WaitTimedOut.Instance,
                Move.Profile => new ProfileSnapshot(profile),
                Move.Result => new SendResult(lastMessage, SendOutcome.Delivered),
                _ => new Started(CartAdd(Times.Noon, "cart-x") with { MessageId = "m0" }, profile),
            };
            var decision = JourneyEngine.Decide(d, state, input, now, PolicyContext.Default);
            Assert.False(state.IsFinished && !decision.State.IsFinished, "a finished instance never comes back");
            state = decision.State;
            lastMessage = decision.Commands.OfType<Send>().LastOrDefault()?.MessageId ?? lastMessage;
            seen.Add(JsonSerializer.Serialize(decision.State, DomainJson.Options));
            seen.AddRange(decision.Commands.Select(c => JsonSerializer.Serialize<object>(c, DomainJson.Options)));
            seen.AddRange(decision.Log.Select(l => l.ToString()));
        }
        return seen;
    }

    [Fact]
    public void Decide_ReplayingTheSameInputs_GivesTheSameCommands()
    {
        var d = Samples.Load("abandoned-cart");

        GenScript.Sample(script => Assert.Equal(Play(d, script), Play(d, script)));
    }

    [Fact]
    public void Decide_AnyInputInAnyState_NeverThrows() =>
        Gen.Select(Gen.Int[0, Samples.Names.Length - 1], GenScript).Sample((pick, script) =>
        {
            var d = Samples.Load(Samples.Names[pick]);
            Assert.NotEmpty(Play(d, [(Move.Restart, 0), .. script]));
        }, iter: 300);
}
