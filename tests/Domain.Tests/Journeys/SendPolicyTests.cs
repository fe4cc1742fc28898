using System.Collections.Immutable;
using Lodestar.Journeys;
using Lodestar.Profiles;
using static Lodestar.Tests.Journeys.JourneyBuild;

namespace Lodestar.Tests.Journeys;

public sealed class SendPolicyTests
{
    private static readonly DateTimeOffset T = Times.Noon;

    private static readonly JourneyDefinition Journey = Minimal("""[ { "id": "a", "type": "send", "channel": "email", "template": "t" } ]""", extra: "\"campaign\": \"spring\",");

    private static SendNode Node(Channel channel = Channel.Email, string? offer = null, bool transactional = false, Channel[]? fallback = null, TimeSpan? bestTime = null) =>
        new("a", channel, "t", offer, [.. fallback ?? []], transactional, bestTime, null);

    private static SendVerdict Evaluate(SendNode node, Profile? profile = null, PolicyContext? context = null, DateTimeOffset? now = null, DateTimeOffset? deferredSince = null) =>
        SendPolicy.Evaluate(node, Journey, profile ?? Customer(), context ?? PolicyContext.Default, now ?? T, Times.Shanghai, deferredSince, []);

    private static SentMessage Sent(double hoursAgo, Channel channel = Channel.Email, bool transactional = false, string journey = "other", string campaign = "other", string? offer = null) =>
        new(T.AddHours(-hoursAgo), channel, transactional, journey, campaign, offer);

    private static PolicyContext With(params SentMessage[] history) => new() { History = [.. history] };

    [Fact]
    public void Evaluate_MarketingWithoutConsent_IsSuppressed() =>
        Assert.Equal(SuppressionReasons.NoConsent, Assert.IsType<SendSuppressed>(Evaluate(Node(), Customer(consent: ["sms"]))).Reason);

    [Fact]
    public void Evaluate_TransactionalWithoutMarketingConsent_IsSent() =>
        Assert.IsType<SendAllowed>(Evaluate(Node(transactional: true), Customer(consent: [])));

    [Fact]
    public void Evaluate_TransactionalAfterServiceWithdrawal_IsSuppressed()
    {
        var profile = Customer() with { Consent = Customer().Consent.Add("service.email", new ConsentState(false, T.AddDays(-1), "web")) };

        Assert.Equal(SuppressionReasons.NoConsent, Assert.IsType<SendSuppressed>(Evaluate(Node(transactional: true), profile)).Reason);
    }

    [Theory]
    [InlineData(null, 1, true)]           // default: 2 a day
    [InlineData(null, 2, false)]
    [InlineData("high_value", 1, false)]   // high value: 1 a day, 3 in 30 days
    [InlineData("active", 1, true)]        // a tier without caps of its own gets the defaults
    public void Evaluate_DailyCap_DependsOnTheTier(string? tier, int sentToday, bool allowed)
    {
        var history = Enumerable.Range(0, sentToday).Select(i => Sent(1 + i)).ToArray();

        var verdict = Evaluate(Node(), Customer(tier: tier), With(history));

        Assert.Equal(allowed, verdict is SendAllowed);
        if (!allowed)
        {
            Assert.Equal(SuppressionReasons.FrequencyCap, Assert.IsType<SendSuppressed>(verdict).Reason);
        }
    }

    [Fact]
    public void Evaluate_HighValue_ThreeTouchesInThirtyDaysAreTheMost()
    {
        var profile = Customer(tier: "high_value");

        Assert.IsType<SendAllowed>(Evaluate(Node(), profile, With(Sent(24 * 20), Sent(24 * 10))));
        var capped = Assert.IsType<SendSuppressed>(Evaluate(Node(), profile, With(Sent(24 * 20), Sent(24 * 10), Sent(24 * 2))));
        Assert.Contains("3 per 30d", capped.Detail, StringComparison.Ordinal);
        Assert.IsType<SendAllowed>(Evaluate(Node(), profile, With(Sent(24 * 31), Sent(24 * 10), Sent(24 * 2)))); // rolling window
    }

    [Fact]
    public void Evaluate_TransactionalMessages_NeitherCountNorAreCapped()
    {
        var history = With(Sent(1, transactional: true), Sent(2, transactional: true), Sent(3, transactional: true));

        Assert.IsType<SendAllowed>(Evaluate(Node(), context: history));
        Assert.IsType<SendAllowed>(Evaluate(Node(transactional: true), context: With(Sent(1), Sent(2), Sent(3))));
    }

    [Fact]
    public void Evaluate_ChannelCapFull_FallsBackToTheNextChannel()
    {
        // Default: at most 2 SMS a week.
        var verdict = Evaluate(Node(Channel.Sms, fallback: [Channel.Push]), context: With(Sent(48, Channel.Sms), Sent(96, Channel.Sms)));

        Assert.Equal(Channel.Push, Assert.IsType<SendAllowed>(verdict).Channel);
    }

    [Fact]
    public void Evaluate_JourneyCap_AppliesOnTopOfTheTenantCaps()
    {
        var capped = Journey with { FrequencyCaps = [new CapRule(1, TimeSpan.FromDays(7))] };

        var verdict = SendPolicy.Evaluate(Node(), capped, Customer(), With(Sent(72)), T, Times.Shanghai, null, []);

        Assert.Contains("1 per 1w", Assert.IsType<SendSuppressed>(verdict).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_QuietHours_DeferToTheirEndInTheCustomersZone()
    {
        var verdict = Evaluate(Node(), now: Times.LateEvening);

        var deferred = Assert.IsType<SendDeferred>(verdict);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.FromHours(8)), deferred.Until);
        Assert.Equal(SuppressionReasons.QuietHours, deferred.Reason);
    }

    [Theory]
    [InlineData("Asia/Kolkata", 2026, 3, 3, 2, 30)]    // 08:00 +05:30
    [InlineData("-03:00", 2026, 3, 3, 11, 0)]          // 22:30 UTC is 19:30 in -03:00: not quiet (sent now)
    [InlineData(null, 2026, 3, 3, 0, 0)]                // tenant zone +08:00
    public void Evaluate_Zone_ComesFromTheProfileElseTheTenant(string? zone, int y, int m, int d, int h, int min)
    {
        var profile = zone is null ? Customer() : Customer(traits: [("timezone", zone)]);
        var now = new DateTimeOffset(2026, 3, 2, 22, 30, 0, TimeSpan.Zero);
        var tz = LocalTime.ZoneOf(profile, ThrottlePolicy.Default);

        var verdict = SendPolicy.Evaluate(Node(), Journey, profile, PolicyContext.Default, now, tz, null, []);

        if (verdict is SendDeferred deferred)
        {
            Assert.Equal(new DateTimeOffset(y, m, d, h, min, 0, TimeSpan.Zero), deferred.Until);
        }
        else
        {
            Assert.Equal("-03:00", zone);
        }
    }

    [Fact]
    public void ZoneOf_RegionTable_BeatsTheTenantDefault()
    {
        var policy = ThrottlePolicy.Default with { RegionZones = ImmutableDictionary<string, string>.Empty.Add("65", "+06:00") };

        Assert.Equal(TimeSpan.FromHours(6), LocalTime.ZoneOf(Customer(traits: [("region", "650100")]), policy).BaseUtcOffset);
        Assert.Equal(TimeSpan.FromHours(8), LocalTime.ZoneOf(Customer(traits: [("region", "310000")]), policy).BaseUtcOffset);
    }

    [Fact]
    public void Evaluate_DeferralOlderThanItsLimit_IsDroppedWithAReason()
    {
        var verdict = Evaluate(Node(), deferredSince: T.AddHours(-25));

        Assert.Equal(SuppressionReasons.DeferralExpired, Assert.IsType<SendSuppressed>(verdict).Reason);
    }

    [Fact]
    public void Evaluate_RateLimit_GivesTheNextFreeSlot()
    {
        var context = new PolicyContext { NextFreeSlot = ImmutableDictionary<Channel, DateTimeOffset>.Empty.Add(Channel.Email, T.AddSeconds(3)) };
        var earlier = new List<SentMessage> { new(T.AddSeconds(3), Channel.Email, false, "x", "x", null) };

        var first = Assert.IsType<SendAllowed>(SendPolicy.Evaluate(Node(), Journey, Customer(), context, T, Times.Shanghai, null, []));
        var second = Assert.IsType<SendAllowed>(SendPolicy.Evaluate(Node(), Journey, Customer(), context, T, Times.Shanghai, null, earlier));

        Assert.Equal(T.AddSeconds(3), first.NotBefore);
        Assert.Equal(T.AddSeconds(3).AddMilliseconds(5), second.NotBefore); // 200 email/s
    }

    [Fact]
    public void Evaluate_OfferAlreadySentByAnotherJourney_IsSuppressed()
    {
        var verdict = Evaluate(Node(offer: "SAVE-20"), context: With(Sent(24 * 5, journey: "churn", offer: "SAVE-20")));

        Assert.Equal(SuppressionReasons.OfferAlreadySent, Assert.IsType<SendSuppressed>(verdict).Reason);
    }

    [Fact]
    public void Evaluate_OtherOfferInTheSameCampaign_IsReplacedByTheOneTheCustomerHas()
    {
        var verdict = Evaluate(Node(Channel.Sms, offer: "SPRING-10"), context: With(Sent(24 * 5, journey: "test", campaign: "spring", offer: "SPRING-15")));

        var allowed = Assert.IsType<SendAllowed>(verdict);
        Assert.Equal("SPRING-15", allowed.Offer);
        Assert.Contains("replaced", allowed.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void BestTime_FollowsTheCustomersOwnHours_WhenTheyHaveHistory()
    {
        // A night owl active at 18:00 local, many times: beats the typical evening peak at 20:00.
        var owl = ActivityHistogram.FromTimestamps(Enumerable.Range(0, 200).Select(i => new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.FromHours(8)).AddDays(-i)), Times.Shanghai);

        var best = SendPolicy.BestTime(T, TimeSpan.FromHours(12), Times.Shanghai, owl, ThrottlePolicy.Default);

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.FromHours(8)), best);
    }

    [Fact]
    public void BestTime_LittleHistory_FallsBackToTheTypicalShape()
    {
        // Two events in the small hours say little: the typical evening peak (20:00) still wins.
        var few = ActivityHistogram.FromTimestamps([new DateTimeOffset(2026, 1, 1, 3, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 1, 2, 3, 0, 0, TimeSpan.FromHours(8))], Times.Shanghai);

        var best = SendPolicy.BestTime(T, TimeSpan.FromHours(12), Times.Shanghai, few, ThrottlePolicy.Default);

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 20, 0, 0, TimeSpan.FromHours(8)), best);
    }

    [Fact]
    public void BestTime_NeverInQuietHours()
    {
        var nightOnly = ActivityHistogram.FromTimestamps(Enumerable.Range(0, 500).Select(i => new DateTimeOffset(2026, 1, 1, 23, 30, 0, TimeSpan.FromHours(8)).AddDays(-i)), Times.Shanghai);

        var best = SendPolicy.BestTime(T, TimeSpan.FromHours(24), Times.Shanghai, nightOnly, ThrottlePolicy.Default);

        Assert.False(ThrottlePolicy.Default.QuietHours.Contains(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(best, Times.Shanghai).DateTime)));
    }

    [Fact]
    public void Histogram_Share_IsSmoothedTowardsTheFallback()
    {
        var empty = ActivityHistogram.Empty;
        var fallback = ActivityHistogram.TypicalShopper;

        Assert.Equal(fallback.Counts[20] / fallback.Total, empty.Share(20, fallback, 20), 9);
        Assert.Equal(1.0 / 24, empty.Share(3, ActivityHistogram.Empty, 24), 9); // Laplace with no fallback
        Assert.Equal(1.0, Enumerable.Range(0, 24).Sum(h => empty.Share(h, fallback, 20)), 9);
    }

    [Fact]
    public void QuietHours_NotWrappingMidnight_AlsoWork()
    {
        var lunch = new QuietHours(new TimeOnly(12, 0), new TimeOnly(14, 0));

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.FromHours(8)), lunch.NextAllowed(T.AddMinutes(30), Times.Shanghai));
        Assert.Equal(T.AddHours(3), lunch.NextAllowed(T.AddHours(3), Times.Shanghai));
    }
}
