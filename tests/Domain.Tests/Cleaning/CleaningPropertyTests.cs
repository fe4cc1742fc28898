using CsCheck;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Cleaning;

public sealed class CleaningPropertyTests
{
    /// <summary>An 11-digit mainland mobile number: 1, a second digit 3–9, nine more digits (valid, fake or otherwise).</summary>
    private static readonly Gen<string> GenNational =
        Gen.Select(Gen.Int[3, 9], Gen.Int[0, 9].Array[9], (second, rest) => "1" + second + string.Concat(rest));

    /// <summary>The ways sources write a number.</summary>
    private static readonly Gen<Func<string, string>> GenFormat = Gen.OneOf<Func<string, string>>(
        n => n,
        n => "+86" + n,
        n => $"+86 {n[..3]} {n[3..7]} {n[7..]}",
        n => $"0086-{n[..3]}-{n[3..7]}-{n[7..]}",
        n => "86" + n,
        n => $"({n[..3]}) {n[3..7]}.{n[7..]}");

    /// <summary>Where a phone number may arrive: an identifier, a trait or a property under the personal keys.</summary>
    private enum Place { Identifier, PhoneTrait, MobileTrait, PhoneProperty, MobileProperty }

    private static readonly Gen<(string National, string Written, Place Place, bool WithMember, EventType Type)> GenCase =
        Gen.Select(GenNational, GenFormat, Gen.Enum<Place>(), Gen.Bool, Gen.OneOf(EventType.Track, EventType.Identify, EventType.Page))
            .Select((n, f, p, m, t) => (n, f(n), p, m, t));

    private static RawEvent WithPhone(string written, Place place, bool withMember, EventType type)
    {
        RawIdentifier[] member = withMember ? [RawMember("M1001")] : [];
        return place switch
        {
            Place.Identifier => Raw(type: type, ids: [.. member, RawPhone(written)]),
            Place.PhoneTrait => Raw(type: type, ids: member, traits: Json.Texts(("phone", written))),
            Place.MobileTrait => Raw(type: type, ids: member, traits: Json.Texts(("mobile", written))),
            Place.PhoneProperty => Raw(type: type, ids: member, properties: $$"""{"phone": "{{written}}", "sku": "A1"}"""),
            _ => Raw(type: type, ids: member, properties: $$"""{"mobile": "{{written}}", "sku": "A1"}"""),
        };
    }

    [Fact]
    public void Clean_AnyPhoneAnywhere_NeverLeavesItsDigitsInTheSerialisedEvent() =>
        GenCase.Sample((national, written, place, withMember, type) =>
        {
            var result = Pii.Cleaner.Clean(WithPhone(written, place, withMember, type), Clock.T0);

            var json = Json.Serialize(result.Event);

            Assert.DoesNotContain(national, json, StringComparison.Ordinal);
            Assert.DoesNotContain(written, json, StringComparison.Ordinal);
            // The last eight digits would identify the subscriber within a prefix; at most the last four may show.
            Assert.DoesNotContain(national[3..], json, StringComparison.Ordinal);
        });

    [Fact]
    public void Clean_ValidPhone_IsKeptOnlyAsItsHashAndMask() =>
        GenCase.Sample((national, written, place, withMember, type) =>
        {
            var result = Pii.Cleaner.Clean(WithPhone(written, place, withMember, type), Clock.T0);

            var phones = result.Event.Ids.Where(i => i.Kind == IdKind.Phone).ToList();
            if (phones.Count == 0)
            {
                // Rejected as fake or malformed: a finding says so, the record survives only on another identifier.
                var finding = Assert.Single(result.Findings, f => f.Code == Reasons.FakePhone);
                Assert.Equal(!withMember, finding.Quarantines);
                Assert.Equal(!withMember, result.Quarantined);
                return;
            }
            var phone = Assert.Single(phones);
            Assert.Equal(Pii.Phone("+86" + national), phone);
            Assert.Equal(national[..3] + "****" + national[^4..], phone.Display);
        });
}
