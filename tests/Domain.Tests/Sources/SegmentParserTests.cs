using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Sources;
using Lodestar.Tests.Support;
using Lodestar.Validation;

namespace Lodestar.Tests.Sources;

public sealed class SegmentParserTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;

    private static Validated<RawEvent> Call(string json, EventType type = EventType.Track) =>
        SegmentParser.ParseCall(Json.Parse(json), type, Clock.Ctx);

    [Fact]
    public void ParseCall_ValidTrack_ReadsEveryField()
    {
        var parsed = Call("""
            {"userId": "M1001", "anonymousId": "a-77", "event": "Product Viewed", "messageId": "m-1",
             "timestamp": "2026-03-01T19:59:00+08:00", "properties": {"sku": "A1", "price": 19.99}}
            """);

        Assert.True(parsed.IsValid);
        var e = parsed.Value!;
        Assert.Equal(("m-1", EventType.Track, "Product Viewed", "web"), (e.MessageId, e.Type, e.Name, e.Source));
        Assert.Equal([new RawIdentifier(IdKind.Member, "M1001"), new RawIdentifier(IdKind.Anonymous, "a-77")], e.Ids);
        Assert.Equal(T0.AddMinutes(-1), e.Timestamp);
        Assert.True(e.OffsetStated);
        Assert.Equal(["price", "sku"], e.Properties.Keys);
        Assert.Equal("A1", e.Properties["sku"].GetString());
    }

    [Fact]
    public void ParseCall_TrackWithoutEventAndWithBadTimestamp_ListsBothPointers()
    {
        var parsed = Call("""{"userId": "M1001", "timestamp": "yesterday evening"}""");

        Assert.False(parsed.IsValid);
        Assert.Equal(["/event", "/timestamp"], parsed.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ParseCall_NeitherUserIdNorAnonymousId_PointsAtUserId()
    {
        var parsed = Call("""{"event": "Product Viewed"}""");

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("/userId", error.Pointer);
    }

    [Theory]
    [InlineData("""{"userId": 42, "event": "x"}""", IdKind.Member, "42")]
    [InlineData("""{"userId": "wx:oAbC123", "event": "x"}""", IdKind.OpenId, "oAbC123")]
    [InlineData("""{"userId": "union:uXyZ", "event": "x"}""", IdKind.UnionId, "uXyZ")]
    [InlineData("""{"userId": "anon:a-1", "event": "x"}""", IdKind.Anonymous, "a-1")]
    [InlineData("""{"userId": "  M1001  ", "event": "x"}""", IdKind.Member, "M1001")]
    public void ParseCall_UserIdPrefix_NamesTheIdentifierKind(string json, IdKind kind, string value) =>
        Assert.Equal([new RawIdentifier(kind, value)], Call(json).Value!.Ids);

    [Theory]
    [InlineData("""{"userId": true, "event": "x"}""", "/userId")]
    [InlineData("""{"userId": "M1", "event": ["x"]}""", "/event")]
    [InlineData("""{"userId": "M1", "event": "x", "properties": [1, 2]}""", "/properties")]
    [InlineData("""{"userId": "M1", "event": "x", "traits": "gold"}""", "/traits")]
    [InlineData("""{"userId": "M1", "event": "   "}""", "/event")]
    public void ParseCall_WrongType_PointsAtTheField(string json, string pointer) =>
        Assert.Contains(pointer, Call(json).Errors.Select(e => e.Pointer));

    [Fact]
    public void ParseCall_MessageIdLongerThan100_IsRejected()
    {
        var parsed = Call($$"""{"userId": "M1", "event": "x", "messageId": "{{new string('m', 101)}}"}""");

        Assert.Equal("/messageId", Assert.Single(parsed.Errors).Pointer);
    }

    [Fact]
    public void ParseCall_NotAnObject_FailsAtTheRoot() =>
        Assert.Equal("", Assert.Single(Call("[1, 2]").Errors).Pointer);

    [Fact]
    public void ParseCall_IdentifyWithPhoneAndEmailTraits_CarriesThemToTheCleaner()
    {
        var parsed = Call("""
            {"userId": "M1001", "messageId": "m-2", "timestamp": "2026-03-01T11:00:00Z",
             "traits": {"phone": "139 1284 7563", "email": "Alice@Corp.cn", "gender": "female", "age": 31},
             "properties": {"ignored": true}}
            """, EventType.Identify);

        var raw = parsed.Value!;
        Assert.Equal("139 1284 7563", raw.Traits["phone"]);
        Assert.Equal("31", raw.Traits["age"]);
        Assert.Empty(raw.Properties); // identify carries traits, not properties

        var cleaned = Pii.Cleaner.Clean(raw, T0).Event;
        Assert.Equal(
            new[] { Pii.Member("M1001"), Pii.Phone("+8613912847563"), Pii.Email("alice@corp.cn") },
            cleaned.Ids);
        Assert.Equal(["age", "gender"], cleaned.Traits.Keys);
    }

    [Fact]
    public void ParseCall_ContextTraits_AreMergedAndTheCallsOwnTraitsWin()
    {
        var parsed = Call("""
            {"userId": "M1", "context": {"app": {"name": "Lodestar"}, "traits": {"gender": "male", "city": "深圳"}},
             "traits": {"gender": "female"}}
            """, EventType.Identify);

        Assert.Equal("female", parsed.Value!.Traits["gender"]);
        Assert.Equal("深圳", parsed.Value.Traits["city"]);
        Assert.Equal("app", parsed.Value.Source);
    }

    [Fact]
    public void ParseCall_AliasWithoutPreviousIdOrUserId_ListsBoth()
    {
        var parsed = Call("""{"anonymousId": "a-1"}""", EventType.Alias);

        Assert.Equal(["/previousId", "/userId"], parsed.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ParseCall_AliasWithoutUserId_SaysUserIdIsRequiredForAlias()
    {
        var parsed = Call("""{"previousId": "anon:a-1"}""", EventType.Alias);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("/userId", error.Pointer);
        Assert.Contains("alias", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCall_ValidAlias_JoinsPreviousIdToUserId()
    {
        var parsed = Call("""{"previousId": "anon:a-1", "userId": "M1001"}""", EventType.Alias);

        Assert.True(parsed.IsValid);
        Assert.Equal(new RawIdentifier(IdKind.Anonymous, "a-1"), parsed.Value!.PreviousId);
        Assert.Equal([new RawIdentifier(IdKind.Member, "M1001")], parsed.Value.Ids);
    }

    [Fact]
    public void ParseCall_NoMessageId_DerivesOneThatIsStableForIdenticalBodies()
    {
        const string body = """{"userId": "M1001", "event": "Product Viewed", "timestamp": "2026-03-01T11:00:00Z"}""";

        var first = Call(body).Value!.MessageId;
        var again = Call(body).Value!.MessageId;
        var other = Call(body.Replace("M1001", "M1002", StringComparison.Ordinal)).Value!.MessageId;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.StartsWith("h-", first, StringComparison.Ordinal);
        Assert.Equal(2 + 32, first.Length); // 16 bytes of SHA-256 in lower-case hex
        Assert.All(first[2..], c => Assert.True(char.IsAsciiHexDigitLower(c)));
    }

    [Fact]
    public void ParseCall_SentAtGiven_CorrectsTheDeviceClockSkew()
    {
        // The device clock runs 10 minutes fast: it sent at 12:10 by its clock, we received at 12:00.
        var parsed = Call("""
            {"userId": "M1", "event": "x", "timestamp": "2026-03-01T12:09:00Z", "sentAt": "2026-03-01T12:10:00Z"}
            """);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 59, 0, TimeSpan.Zero), parsed.Value!.Timestamp);
    }

    [Fact]
    public void ParseCall_NoTimestamp_UsesTheTimeOfReceipt() =>
        Assert.Equal(T0, Call("""{"userId": "M1", "event": "x"}""").Value!.Timestamp);

    [Fact]
    public void ParseCall_LocalTimestamp_IsReadInTheTenantZoneAndFlagged()
    {
        var raw = Call("""{"userId": "M1", "event": "x", "timestamp": "2026-03-01 19:30:00"}""").Value!;

        Assert.False(raw.OffsetStated);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 30, 0, TimeSpan.Zero), raw.Timestamp);
    }

    [Fact]
    public void ParseCall_EpochMilliseconds_AreAnInstant()
    {
        var ms = T0.AddHours(-1).ToUnixTimeMilliseconds();

        var raw = Call($$"""{"userId": "M1", "event": "x", "timestamp": {{ms}}}""").Value!;

        Assert.Equal(T0.AddHours(-1), raw.Timestamp);
        Assert.True(raw.OffsetStated);
    }

    [Fact]
    public void ParseBatch_OneBadItem_ListsItsErrorsUnderItsIndexAndKeepsTheOthers()
    {
        var parsed = SegmentParser.ParseBatch(Json.Parse("""
            {"batch": [
              {"type": "track", "userId": "M1", "event": "Product Viewed", "messageId": "b-0"},
              {"type": "track", "userId": "M1", "timestamp": "not a time", "messageId": "b-1"},
              {"type": "identify", "userId": "M1", "traits": {"gender": "female"}, "messageId": "b-2"}
            ]}
            """), Clock.Ctx);

        Assert.True(parsed.IsValid);
        var items = parsed.Value!;
        Assert.Equal(3, items.Count);
        Assert.True(items[0].IsValid);
        Assert.False(items[1].IsValid);
        Assert.Equal(["/batch/1/event", "/batch/1/timestamp"], items[1].Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal));
        Assert.True(items[2].IsValid);
        Assert.Equal(["b-0", "b-2"], new[] { items[0], items[2] }.Select(i => i.Value!.MessageId));
        Assert.Equal(EventType.Identify, items[2].Value!.Type);
    }

    [Fact]
    public void ParseBatch_UnknownType_PointsAtTheItemsType()
    {
        var parsed = SegmentParser.ParseBatch(Json.Parse("""{"batch": [{"type": "group", "userId": "M1"}]}"""), Clock.Ctx);

        Assert.Equal("/batch/0/type", Assert.Single(parsed.Value![0].Errors).Pointer);
    }

    [Theory]
    [InlineData("""{"batch": []}""", "/batch")]
    [InlineData("""{"batch": {"type": "track"}}""", "/batch")]
    [InlineData("""{}""", "/batch")]
    [InlineData("""[]""", "")]
    public void ParseBatch_NoItems_FailsAsAWhole(string json, string pointer)
    {
        var parsed = SegmentParser.ParseBatch(Json.Parse(json), Clock.Ctx);

        Assert.False(parsed.IsValid);
        Assert.Equal(pointer, Assert.Single(parsed.Errors).Pointer);
    }

    [Fact]
    public void ParseBatch_BatchSentAt_CorrectsEveryItemsSkew()
    {
        // The whole batch was sent at 11:00 by a device clock that is one hour slow.
        var parsed = SegmentParser.ParseBatch(Json.Parse("""
            {"sentAt": "2026-03-01T11:00:00Z", "batch": [
              {"type": "track", "userId": "M1", "event": "a", "timestamp": "2026-03-01T10:50:00Z"},
              {"type": "track", "userId": "M1", "event": "b", "timestamp": "2026-03-01T10:55:00Z", "sentAt": "2026-03-01T12:00:00Z"}
            ]}
            """), Clock.Ctx);

        Assert.Equal(T0.AddMinutes(-10), parsed.Value![0].Value!.Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 55, 0, TimeSpan.Zero), parsed.Value[1].Value!.Timestamp); // its own sentAt wins
    }

    [Fact]
    public void ParseBatch_BatchContextWithApp_MarksItemsAsFromTheApp()
    {
        var parsed = SegmentParser.ParseBatch(Json.Parse("""
            {"context": {"app": {"name": "Lodestar"}}, "batch": [{"type": "screen", "userId": "M1", "name": "Home"}]}
            """), Clock.Ctx);

        var raw = parsed.Value![0].Value!;
        Assert.Equal(("app", EventType.Screen, "Home"), (raw.Source, raw.Type, raw.Name));
    }
}
