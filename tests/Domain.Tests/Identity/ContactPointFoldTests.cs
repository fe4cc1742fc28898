using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Profiles;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Identity;

/// <summary>The profile keeps the most recent sealed phone and email, stores them, and never shows them.</summary>
public sealed class ContactPointFoldTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;
    private static readonly CustomerId Alice = CustomerId.DerivedFrom("member:M1001");

    private static Profile Fold(params CustomerEvent[] events) =>
        events.Aggregate(ProfileFold.Start(Alice, events[0].Timestamp), ProfileFold.Apply);

    private static CustomerEvent Identify(string messageId, DateTimeOffset at, params Identifier[] ids) =>
        Event(messageId, EventType.Identify, null, at: at, ids: [Pii.Member("M1001"), .. ids]);

    private static string? Address(Profile profile, IdKind kind) =>
        profile.Contact(kind) is { } c ? Pii.Protector.Unseal(kind, c.Sealed) : null;

    [Fact]
    public void Apply_PhoneAndEmail_KeepsOneSealedContactPointPerKind()
    {
        var profile = Fold(Identify("e1", T0, Pii.Phone("+8613912847563"), Pii.Email("alice@corp.cn"), Pii.Protector.Protect(IdKind.NationalId, "110101199003071234")));

        Assert.Equal([IdKind.Phone, IdKind.Email], profile.Contacts.Select(c => c.Kind));
        Assert.Equal("+8613912847563", Address(profile, IdKind.Phone));
        Assert.Equal("alice@corp.cn", Address(profile, IdKind.Email));
        Assert.All(profile.Contacts, c => Assert.Equal(T0, c.At));
    }

    [Fact]
    public void Apply_ANewerEmail_ReplacesTheContactPoint()
    {
        var profile = Fold(Identify("e1", T0, Pii.Email("old@corp.cn")), Identify("e2", T0.AddDays(1), Pii.Email("new@corp.cn")));

        Assert.Equal("new@corp.cn", Address(profile, IdKind.Email));
        Assert.Single(profile.Contacts);
    }

    [Fact]
    public void Apply_AnOlderEmailArrivingLate_KeepsTheNewerOne()
    {
        var profile = Fold(Identify("e2", T0.AddDays(1), Pii.Email("new@corp.cn")), Identify("e1", T0, Pii.Email("old@corp.cn")));

        Assert.Equal("new@corp.cn", Address(profile, IdKind.Email));
    }

    [Fact]
    public void Apply_AnEarlierAddressGivenAgain_BecomesTheContactPointAgain()
    {
        var profile = Fold(
            Identify("e1", T0, Pii.Phone("+8613912847563")),
            Identify("e2", T0.AddDays(1), Pii.Phone("+8613770528164")),
            Identify("e3", T0.AddDays(2), Pii.Phone("+8613912847563")),
            Identify("e4", T0.AddHours(36), Pii.Phone("+8613770528164")));

        Assert.Equal("+8613912847563", Address(profile, IdKind.Phone));
        Assert.Equal(T0.AddDays(2), profile.Contact(IdKind.Phone)!.At);
    }

    [Fact]
    public void Apply_EventsWithoutAddresses_LeaveTheContactPointsAsTheyAre()
    {
        var first = Fold(Identify("e1", T0, Pii.Email("alice@corp.cn")));

        var later = ProfileFold.Apply(first, Event("e2", at: T0.AddHours(1)));

        Assert.Equal(first.Contacts, later.Contacts);
    }

    [Fact]
    public void Merge_KeepsTheLaterContactPointOfEachKind()
    {
        var survivor = Fold(Identify("s1", T0, Pii.Email("survivor@corp.cn"), Pii.Phone("+8613912847563")));
        var loser = ProfileFold.Apply(ProfileFold.Start(CustomerId.DerivedFrom("anonymous:a-1"), T0),
            Event("l1", EventType.Identify, null, at: T0.AddDays(1), ids: [Pii.Anonymous("a-1"), Pii.Email("loser@corp.cn")]));

        var merged = ProfileFold.Merge(survivor, loser);

        Assert.Equal("loser@corp.cn", Address(merged, IdKind.Email));
        Assert.Equal("+8613912847563", Address(merged, IdKind.Phone));
    }

    [Fact]
    public void Merge_SameTimeOnBothSides_KeepsTheSurvivors()
    {
        var survivor = Fold(Identify("s1", T0, Pii.Email("survivor@corp.cn")));
        var loser = ProfileFold.Apply(ProfileFold.Start(CustomerId.DerivedFrom("anonymous:a-1"), T0),
            Event("l1", EventType.Identify, null, at: T0, ids: [Pii.Anonymous("a-1"), Pii.Email("loser@corp.cn")]));

        Assert.Equal("survivor@corp.cn", Address(ProfileFold.Merge(survivor, loser), IdKind.Email));
    }

    [Fact]
    public void Apply_ANewEmailAfterAHardBounce_ClearsTheMarkAndAddressesTheNewEmail()
    {
        var bounced = ProfileFold.Apply(Fold(Identify("e1", T0, Pii.Email("old@corp.cn"))),
            Event("b1", name: EngagementEvents.Bounced, at: T0.AddHours(1), properties: """{"channel":"email","messageId":"m1","hard":true,"status":"Bounced"}"""));
        Assert.True(bounced.Unusable.ContainsKey("email"));

        var renewed = ProfileFold.Apply(bounced, Identify("e2", T0.AddDays(1), Pii.Email("new@corp.cn")));

        Assert.False(renewed.Unusable.ContainsKey("email"));
        Assert.Equal("new@corp.cn", Address(renewed, IdKind.Email));
    }

    [Fact]
    public void StoredProfile_RoundTripsTheContactPoints()
    {
        var profile = Fold(Identify("e1", T0, Pii.Phone("+8613912847563"), Pii.Email("alice@corp.cn")));

        var back = JsonSerializer.Deserialize<Profile>(Json.Serialize(profile), DomainJson.Options)!;

        Assert.Equal(profile.Contacts, back.Contacts);
    }

    [Fact]
    public void ForDisplay_DropsTheSealedContactPointsAndNothingElse()
    {
        var profile = Fold(Identify("e1", T0, Pii.Phone("+8613912847563"), Pii.Email("alice@corp.cn")), Event("e2", at: T0.AddMinutes(5)));

        var shown = profile.ForDisplay();
        var json = Json.Serialize(shown);

        Assert.Empty(shown.Contacts);
        Assert.Equal(profile with { Contacts = [] }, shown);
        Assert.All(profile.Contacts, c => Assert.DoesNotContain(c.Sealed, json, StringComparison.Ordinal));
        Assert.Contains("139****7563", json, StringComparison.Ordinal);
    }
}
