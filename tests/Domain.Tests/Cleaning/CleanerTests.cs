using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Tests.Support;
using static Lodestar.Tests.Support.Build;

namespace Lodestar.Tests.Cleaning;

public sealed class CleanerTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    [Fact]
    public void Clean_FakePhoneIsTheOnlyIdentifier_QuarantinesTheRecord()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawPhone("13800138000")]), T0);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(Reasons.FakePhone, finding.Code);
        Assert.True(finding.Quarantines);
        Assert.True(result.Quarantined);
        Assert.Empty(result.Event.Ids);
    }

    [Fact]
    public void Clean_MalformedPhoneIsTheOnlyIdentifier_QuarantinesTheRecord()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawPhone("010-62345678")]), T0);

        Assert.True(result.Quarantined);
        Assert.Equal([Reasons.FakePhone], result.Findings.Select(f => f.Code));
        Assert.Empty(result.Event.Ids);
    }

    [Fact]
    public void Clean_FakePhoneBesideAMemberId_RemovesThePhoneAndKeepsTheRecord()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawMember("M1001"), RawPhone("13800138000")]), T0);

        // The same reason code as a quarantining fake phone, but as a repair: the finding does not quarantine.
        var finding = Assert.Single(result.Findings);
        Assert.Equal(Reasons.FakePhone, finding.Code);
        Assert.False(finding.Quarantines);
        Assert.False(result.Quarantined);
        Assert.Equal([Pii.Member("M1001")], result.Event.Ids);
    }

    [Fact]
    public void Clean_FakePhoneBesideAnAnonymousId_KeepsTheRecordOnTheAnonymousId()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawAnonymous("a-77"), RawPhone("18888888888")]), T0);

        Assert.False(result.Quarantined);
        Assert.Equal([Pii.Anonymous("a-77")], result.Event.Ids);
    }

    [Fact]
    public void Clean_FakePhoneBesideAValidPhone_KeepsTheRecordOnTheValidPhone()
    {
        // Two phones (e.g. the POS phone and an identify trait): the valid one still ties the record to a customer.
        var result = Pii.Cleaner.Clean(Raw(ids: [RawPhone("13800138000"), RawPhone("+8613912847563")]), T0);

        Assert.False(result.Quarantined);
        Assert.Equal([Pii.Phone("+8613912847563")], result.Event.Ids);
        Assert.Contains(result.Findings, f => f.Code == Reasons.FakePhone && !f.Quarantines);
    }

    [Theory]
    [InlineData("139 1284 7563")]
    [InlineData("0086-139-1284-7563")]
    [InlineData("13912847563")]
    public void Clean_PhoneNotInE164_IsNormalisedWithARepairFinding(string raw)
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawPhone(raw)]), T0);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(Reasons.PhoneNormalised, finding.Code);
        Assert.False(finding.Quarantines);
        Assert.Equal([Pii.Phone("+8613912847563")], result.Event.Ids);
        Assert.Equal("139****7563", result.Event.Ids[0].Display);
    }

    [Fact]
    public void Clean_PhoneAlreadyInE164_HasNoFinding()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawPhone("+8613912847563")]), T0);

        Assert.Empty(result.Findings);
        Assert.Equal([Pii.Phone("+8613912847563")], result.Event.Ids);
    }

    [Fact]
    public void Clean_SamePhoneInTwoFormats_YieldsOneIdentifier()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawPhone("+8613912847563"), RawPhone("139-1284-7563")]), T0);

        Assert.Equal([Pii.Phone("+8613912847563")], result.Event.Ids);
    }

    [Fact]
    public void Clean_MixedCaseEmail_IsLowerCasedBeforeHashing()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawEmail("  Alice.Wang@Corp.CN ")]), T0);

        var id = Assert.Single(result.Event.Ids);
        Assert.Equal(Pii.Email("alice.wang@corp.cn"), id);
        Assert.Equal("a***@corp.cn", id.Display);
    }

    [Fact]
    public void Clean_NationalId_IsUpperCasedBeforeHashing()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawMember("M1"), new RawIdentifier(IdKind.NationalId, "11010119900307123x")]), T0);

        Assert.Contains(Pii.Protector.Protect(IdKind.NationalId, "11010119900307123X"), result.Event.Ids);
    }

    [Fact]
    public void Clean_PersonalFieldsInTraitsAndProperties_BecomeIdentifiers()
    {
        var raw = Raw(
            ids: [RawMember("M1001")],
            type: EventType.Identify,
            traits: Json.Texts(("phone", "139 1284 7563"), ("email", "Alice@Corp.cn"), ("gender", "female")),
            properties: """{"mobile": "13698765401", "sku": "A1"}""");

        var result = Pii.Cleaner.Clean(raw, T0);

        Assert.Equal(
            new[] { Pii.Member("M1001"), Pii.Phone("+8613912847563"), Pii.Phone("+8613698765401"), Pii.Email("alice@corp.cn") }.OrderBy(i => i.GraphKey, StringComparer.Ordinal),
            result.Event.Ids.OrderBy(i => i.GraphKey, StringComparer.Ordinal));
        Assert.Equal(["gender"], result.Event.Traits.Keys);
        Assert.Equal(["sku"], result.Event.Properties.Keys);
    }

    [Fact]
    public void Clean_NamesAndAddresses_AreMaskedOrDropped()
    {
        var raw = Raw(
            traits: Json.Texts(("name", "王小明"), ("firstName", "Alice"), ("address", "上海市徐汇区漕溪北路1号")),
            properties: """{"name": "王小明", "street": "漕溪北路", "password": "hunter2", "sku": "A1"}""");

        var result = Pii.Cleaner.Clean(raw, T0);

        Assert.Equal("王*", result.Event.Traits["name"]);
        Assert.Equal("A*", result.Event.Traits["firstName"]);
        Assert.False(result.Event.Traits.ContainsKey("address"));
        Assert.Equal(["sku"], result.Event.Properties.Keys);
    }

    [Fact]
    public void Clean_SerialisedEvent_NeverContainsRawPhoneEmailOrName()
    {
        var raw = Raw(
            ids: [RawMember("M1001"), RawPhone("139 1284 7563"), RawEmail("Alice.Wang@Corp.cn")],
            type: EventType.Identify,
            traits: Json.Texts(("mobile", "13698765401"), ("name", "王小明")),
            properties: """{"phone": "+86 186 0211 3344"}""");

        var json = Json.Serialize(Pii.Cleaner.Clean(raw, T0).Event);

        foreach (var secret in new[] { "13912847563", "13698765401", "18602113344", "1284 7563", "alice.wang", "Alice.Wang", "王小明" })
        {
            Assert.DoesNotContain(secret, json, StringComparison.OrdinalIgnoreCase);
        }
        // The masks are what the profile may show: first three and last four digits, first letter of the mailbox.
        foreach (var mask in new[] { "139****7563", "136****5401", "186****3344", "a***@corp.cn", "王*" })
        {
            Assert.Contains(mask, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Clean_NoIdentifierButContent_IsMissingIdentity()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [], properties: """{"sku": "A1"}"""), T0);

        Assert.True(result.Quarantined);
        Assert.Equal([Reasons.MissingIdentity], result.Findings.Select(f => f.Code));
    }

    [Fact]
    public void Clean_NoIdentifierAndNoContent_IsEmptyRecord()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [], name: null), T0);

        Assert.True(result.Quarantined);
        Assert.Equal([Reasons.EmptyRecord], result.Findings.Select(f => f.Code));
    }

    [Fact]
    public void Clean_BlankIdentifiers_CountAsNone()
    {
        var result = Pii.Cleaner.Clean(Raw(ids: [RawMember("  "), RawEmail("")]), T0);

        Assert.Empty(result.Event.Ids);
        Assert.Equal([Reasons.MissingIdentity], result.Findings.Select(f => f.Code));
    }

    public static TheoryData<string, RawEvent> TestRecords => new()
    {
        { "properties.test = true", Raw(properties: """{"test": true}""") },
        { "event named test", Raw(name: "test") },
        { "event named TEST_checkout", Raw(name: "TEST_checkout") },
        { "email starts with test", Raw(ids: [RawEmail("tester01@corp.cn")]) },
        { "email at example.com", Raw(ids: [RawEmail("alice@example.com")]) },
        { "email at mailinator.com", Raw(ids: [RawEmail("Bob@Mailinator.com")]) },
        { "member id test_001", Raw(ids: [RawMember("test_001")]) },
        { "member id demo", Raw(ids: [RawMember("demo")]) },
        { "member id TEST-42", Raw(ids: [RawMember("TEST-42")]) },
        { "openid test", Raw(ids: [new RawIdentifier(IdKind.OpenId, "test")]) },
    };

    [Theory]
    [MemberData(nameof(TestRecords))]
    public void Clean_TestMarker_QuarantinesAsTestRecord(string because, RawEvent raw)
    {
        var result = Pii.Cleaner.Clean(raw, T0);

        Assert.True(result.Quarantined, because);
        Assert.Contains(result.Findings, f => f.Code == Reasons.TestRecord && f.Quarantines);
    }

    public static TheoryData<string, RawEvent> OrdinaryRecords => new()
    {
        { "properties.test = false", Raw(properties: """{"test": false}""") },
        { "event named Contest Entered", Raw(name: "Contest Entered") },
        { "email contains but does not start with test", Raw(ids: [RawEmail("contest@corp.cn")]) },
        { "member id latest", Raw(ids: [RawMember("latest")]) },
        { "anonymous id test", Raw(ids: [RawAnonymous("test")]) },
    };

    [Theory]
    [MemberData(nameof(OrdinaryRecords))]
    public void Clean_NoTestMarker_IsNotATestRecord(string because, RawEvent raw)
    {
        var result = Pii.Cleaner.Clean(raw, T0);

        Assert.False(result.Quarantined, because);
        Assert.DoesNotContain(result.Findings, f => f.Code == Reasons.TestRecord);
    }

    public static TheoryData<DateTimeOffset, string?> TimestampRules => new()
    {
        // More than FutureSkew (5 min) after receipt is in the future; exactly 5 min is tolerated clock skew.
        { T0.AddMinutes(5).AddSeconds(1), Reasons.FutureTimestamp },
        { T0.AddDays(3), Reasons.FutureTimestamp },
        { T0.AddMinutes(5), null },
        { T0, null },
        { T0.AddYears(-5), null },
        // Before BusinessStart (2000-01-01 UTC) predates the business.
        { new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero), Reasons.BeforeBusinessStart },
        { new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero), Reasons.BeforeBusinessStart },
        { new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), null },
        // 2000-01-01 07:00 in Beijing is 1999-12-31 23:00 UTC.
        { new DateTimeOffset(2000, 1, 1, 7, 0, 0, TimeSpan.FromHours(8)), Reasons.BeforeBusinessStart },
    };

    [Theory]
    [MemberData(nameof(TimestampRules))]
    public void Clean_Timestamp_IsJudgedAgainstReceiptAndBusinessStart(DateTimeOffset at, string? expected)
    {
        var result = Pii.Cleaner.Clean(Raw(at: at), T0);

        Assert.Equal(expected is null ? Array.Empty<string>() : [expected], result.Findings.Select(f => f.Code));
        Assert.Equal(expected is not null, result.Quarantined);
    }

    [Fact]
    public void Clean_LocalTimeWithoutOffset_IsConvertedToUtcWithARepairFinding()
    {
        var local = new DateTimeOffset(2026, 3, 1, 19, 30, 0, Clock.China);

        var result = Pii.Cleaner.Clean(Raw(at: local, offsetStated: false), T0);

        var finding = Assert.Single(result.Findings);
        Assert.Equal(Reasons.TimestampToUtc, finding.Code);
        Assert.False(finding.Quarantines);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 30, 0, TimeSpan.Zero), result.Event.Timestamp);
        Assert.Equal(TimeSpan.Zero, result.Event.Timestamp.Offset);
        Assert.Equal("+08:00", result.Event.SourceZone);
    }

    [Theory]
    [InlineData(8, "+08:00")]
    [InlineData(-5, "-05:00")]
    [InlineData(0, "+00:00")]
    public void Clean_StatedOffset_IsKeptAsSourceZoneWithoutFinding(int hours, string zone)
    {
        var at = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(hours));

        var result = Pii.Cleaner.Clean(Raw(at: at), at.AddMinutes(1));

        Assert.Empty(result.Findings);
        Assert.Equal(at.UtcDateTime, result.Event.Timestamp.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, result.Event.Timestamp.Offset);
        Assert.Equal(zone, result.Event.SourceZone);
    }

    [Theory]
    [InlineData("region", "广东省", "440000")]
    [InlineData("province", "Guangdong", "440000")]
    [InlineData("province", "GUANGDONG PROVINCE", "440000")]
    [InlineData("city", "shenzhen", "440300")]
    [InlineData("city", "深圳市", "440300")]
    [InlineData("region", "北京市", "110000")]
    [InlineData("region", "Beijing Shi", "110000")]
    [InlineData("region", "广西壮族自治区", "450000")]
    [InlineData("region", "新疆维吾尔自治区", "650000")]
    [InlineData("region", "香港特别行政区", "810000")]
    [InlineData("province", "Inner Mongolia", "150000")]
    [InlineData("province", "陕西省", "610000")]
    [InlineData("province", "山西省", "140000")]
    [InlineData("city", "Xi'an", "610100")]
    public void Clean_RegionName_IsCodedToGbt2260(string key, string name, string code)
    {
        var result = Pii.Cleaner.Clean(Raw(traits: Json.Texts((key, name))), T0);

        Assert.Equal(code, result.Event.Traits[key]);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(Reasons.RegionCoded, finding.Code);
        Assert.False(finding.Quarantines);
    }

    [Theory]
    [InlineData("110000")]   // already a code: kept, nothing to report
    [InlineData("440300")]
    [InlineData("Atlantis")] // unknown: kept as sent
    [InlineData("999999")]   // six digits but no such division
    public void Clean_RegionAlreadyCodedOrUnknown_IsLeftAsIs(string value)
    {
        var result = Pii.Cleaner.Clean(Raw(traits: Json.Texts(("region", value))), T0);

        Assert.Equal(value, result.Event.Traits["region"]);
        Assert.Empty(result.Findings);
    }

    [Theory]
    [InlineData("""{"revenue": -5}""", true)]
    [InlineData("""{"price": 20000000}""", true)]   // 2 × 10⁹ minor units > 10⁹
    [InlineData("""{"total": 10000000}""", false)]  // exactly the maximum
    [InlineData("""{"value": 0}""", false)]
    [InlineData("""{"revenue": "-5"}""", false)]    // not a number: not an amount this rule can judge
    public void Clean_ImpossiblePropertyAmount_Quarantines(string properties, bool impossible)
    {
        var result = Pii.Cleaner.Clean(Raw(properties: properties), T0);

        Assert.Equal(impossible, result.Findings.Any(f => f.Code == Reasons.ImpossibleAmount && f.Quarantines && f.Line < 0));
        Assert.Equal(impossible, result.Quarantined);
    }

    [Fact]
    public void Clean_AliasPreviousId_IsProtectedLikeTheOtherIds()
    {
        var result = Pii.Cleaner.Clean(Raw(type: EventType.Alias, name: null, previousId: RawAnonymous("a-1")), T0);

        Assert.Equal(Pii.Anonymous("a-1"), result.Event.PreviousId);
        Assert.Empty(result.Findings);
    }
}
