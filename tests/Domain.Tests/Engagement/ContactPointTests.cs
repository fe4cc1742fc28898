using Lodestar.Engagement;
using Lodestar.Journeys;
using Lodestar.Profiles;
using Lodestar.Tests.Journeys;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Journeys.JourneyBuild;

namespace Lodestar.Tests.Engagement;

/// <summary>Hard bounces mark a contact point unusable on the profile, and the send policy then suppresses the channel.</summary>
public sealed class ContactPointTests
{
    private static readonly DateTimeOffset T = Times.Noon;

    private static readonly JourneyDefinition Journey = Minimal("""[ { "id": "a", "type": "send", "channel": "email", "template": "t" } ]""");

    private static Profile Bounced(Profile p, string channel, bool hard = true) =>
        ProfileFold.Apply(p, Event(EngagementEvents.Bounced, T, $$"""{"channel":"{{channel}}","messageId":"m1","hard":{{(hard ? "true" : "false")}},"status":"Bounced"}"""));

    private static SendVerdict Evaluate(Profile profile, Channel channel, bool transactional = false, Channel[]? fallback = null) =>
        SendPolicy.Evaluate(new SendNode("a", channel, "t", null, [.. fallback ?? []], transactional, null, null), Journey, profile, PolicyContext.Default, T.AddHours(1), Times.Shanghai, null, []);

    [Fact]
    public void Apply_HardBounce_MarksTheChannelUnusable()
    {
        var profile = Bounced(Customer(), "email");

        Assert.Equal(new UnusableContact(T, "Bounced"), profile.Unusable["email"]);
        Assert.False(profile.Unusable.ContainsKey("sms"));
    }

    [Fact]
    public void Apply_SoftFailure_LeavesTheChannelUsable() => Assert.Empty(Bounced(Customer(), "email", hard: false).Unusable);

    [Fact]
    public void Evaluate_AfterAHardBounce_SuppressesEvenServiceMessagesOnThatChannel()
    {
        var profile = Bounced(Customer(), "email");

        Assert.Equal(SuppressionReasons.UnusableContact, Assert.IsType<SendSuppressed>(Evaluate(profile, Channel.Email)).Reason);
        Assert.Equal(SuppressionReasons.UnusableContact, Assert.IsType<SendSuppressed>(Evaluate(profile, Channel.Email, transactional: true)).Reason);
        Assert.IsType<SendAllowed>(Evaluate(profile, Channel.Sms));
    }

    [Fact]
    public void Evaluate_UnusablePrimaryWithAFallback_SendsOnTheFallback()
    {
        var verdict = Assert.IsType<SendAllowed>(Evaluate(Bounced(Customer(), "email"), Channel.Email, fallback: [Channel.Sms]));

        Assert.Equal(Channel.Sms, verdict.Channel);
    }

    [Fact]
    public void Apply_ANewEmailAfterTheBounce_MakesEmailUsableAgain()
    {
        var bounced = Bounced(Customer(), "email");
        var update = Event("Identify", T.AddDays(1), type: Lodestar.Events.EventType.Identify) with { Ids = [Pii.Member("M1"), Pii.Email("new@example.com")] };

        Assert.Empty(ProfileFold.Apply(bounced, update).Unusable);
    }

    [Fact]
    public void Merge_KeepsEitherSidesUnusableMarks()
    {
        var a = Bounced(Customer("a"), "email");
        var b = Bounced(Customer("b"), "sms");

        Assert.Equal(["email", "sms"], ProfileFold.Merge(a, b).Unusable.Keys);
    }
}
