using Lodestar.Journeys;

namespace Lodestar.Tests.Journeys;

public sealed class JourneyReaderTests
{
    [Theory]
    [MemberData(nameof(Samples.All), MemberType = typeof(Samples))]
    public void Parse_EverySample_IsValidWithItsTemplates(string name)
    {
        var parsed = JourneyReader.Parse(Samples.Text(name), Samples.Options);

        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.Equal(name, parsed.Value!.Id);
    }

    [Fact]
    public void Parse_AbandonedCart_ReadsTheShapeOfTheJourney()
    {
        var d = Samples.Load("abandoned-cart");

        Assert.Equal("cart-recovery", d.CampaignId);
        Assert.Equal("properties.cartId", d.BusinessKey);
        Assert.Equal(TimeSpan.FromDays(3), Assert.IsType<ReEnterAfter>(d.ReEntry).Cooldown);
        var wait = Assert.IsType<WaitForEventNode>(d.Node(d.Start));
        Assert.Equal(TimeSpan.FromHours(1), wait.Timeout);
        Assert.Null(wait.OnEvent);
        var coupon = Assert.IsType<SendNode>(d.Node("sms-coupon"));
        Assert.Equal((Channel.Sms, "CART-10", Channel.MiniProgram), (coupon.Channel, coupon.Offer, coupon.Fallback.Single()));
        // "consentWithdrawn": true watches every marketing channel the journey sends on, fallbacks included.
        Assert.Equal([Channel.Email, Channel.Push, Channel.Sms, Channel.MiniProgram], d.Exit.ConsentWithdrawn);
    }

    [Fact]
    public void Parse_BrokenFile_NamesEachErrorWithItsPointer()
    {
        const string json = """
            {
              "id": "broken", "version": 1, "name": "Broken",
              "entry": { "type": "event", "event": { "name": "Product Added" } },
              "start": "first",
              "nodes": [
                { "id": "first", "type": "delay", "duration": "-5m", "next": "send" },
                { "id": "send", "type": "send", "channel": "fax", "template": "t1", "next": "nowhere" },
                { "id": "wait", "type": "waitForEvent", "event": { "name": "x" }, "timeout": "soon" },
                { "id": "window", "type": "waitUntil", "days": [] }
              ]
            }
            """;

        var errors = JourneyReader.Parse(json).Errors.ToDictionary(e => e.Pointer, e => e.Message);

        Assert.Contains("/nodes/1/channel", errors.Keys);
        Assert.Contains("fax", errors["/nodes/1/channel"], StringComparison.Ordinal);
        Assert.Contains("/nodes/2/timeout", errors.Keys);
        Assert.Contains("/nodes/3/days", errors.Keys);
        Assert.Contains("empty", errors["/nodes/3/days"], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WellFormedButWrongGraph_ReportsReferencesReachabilityLoopsAndTemplates()
    {
        const string json = """
            {
              "id": "graph", "version": 1, "name": "Graph",
              "entry": { "type": "api" },
              "start": "a",
              "nodes": [
                { "id": "a", "type": "delay", "duration": "-5m", "next": "b" },
                { "id": "b", "type": "branch", "if": { "tag": "vip" }, "then": "c", "else": "ghost" },
                { "id": "c", "type": "send", "channel": "email", "template": "unknown-template", "next": "b" },
                { "id": "orphan", "type": "exit" },
                { "id": "w", "type": "waitForEvent", "event": { "name": "x" }, "timeout": "1h", "onEvent": "orphan" }
              ]
            }
            """;

        var errors = JourneyReader.Parse(json, new JourneyValidationOptions(new HashSet<string> { "known" })).Errors;
        var byPointer = errors.ToLookup(e => e.Pointer, e => e.Message);

        Assert.Contains(byPointer["/nodes/0/duration"], m => m.Contains("negative", StringComparison.Ordinal));
        Assert.Contains(byPointer["/nodes/1/else"], m => m.Contains("no node 'ghost'", StringComparison.Ordinal));
        Assert.Contains(byPointer["/nodes/2/template"], m => m.Contains("unknown template 'unknown-template'", StringComparison.Ordinal));
        Assert.Contains(byPointer["/nodes/2/next"], m => m.Contains("loop without a wait: b → c → b", StringComparison.Ordinal));
        Assert.Contains(byPointer["/nodes/3"], m => m.Contains("unreachable", StringComparison.Ordinal));
        Assert.Contains(byPointer["/nodes/4"], m => m.Contains("unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_LoopThroughAWait_IsAllowed()
    {
        var d = JourneyBuild.Minimal("""
            [ { "id": "a", "type": "send", "channel": "email", "template": "t", "next": "b" },
              { "id": "b", "type": "delay", "duration": "7d", "next": "a" } ]
            """);

        Assert.Equal("a", d.Start);
    }

    [Theory]
    [InlineData("""{ "id": "w", "type": "waitForEvent", "event": { "name": "x" }, "timeout": "0m" }""", "/nodes/0/timeout", "positive")]
    [InlineData("""{ "id": "w", "type": "waitUntil", "window": { "from": "09:00", "to": "09:00" } }""", "/nodes/0/window", "empty")]
    [InlineData("""{ "id": "w", "type": "waitUntil", "days": ["mon", "funday"] }""", "/nodes/0/days/1", "weekday")]
    [InlineData("""{ "id": "w", "type": "waitUntil", "at": "25:00" }""", "/nodes/0/at", "HH:mm")]
    [InlineData("""{ "id": "w", "type": "waitUntil", "date": { "trait": "birthday", "offset": "-36h" } }""", "/nodes/0/date/offset", "whole days")]
    [InlineData("""{ "id": "w", "type": "delay", "duration": "0s" }""", "/nodes/0/duration", "zero")]
    [InlineData("""{ "id": "w", "type": "send", "channel": "email", "template": "t", "fallback": ["sms", "email"] }""", "/nodes/0/fallback/1", "already")]
    [InlineData("""{ "id": "w", "type": "send", "channel": "email", "template": "t", "retries": 3 }""", "/nodes/0/retries", "unknown property")]
    [InlineData("""{ "id": "w", "type": "teleport" }""", "/nodes/0/type", "unknown type 'teleport'")]
    [InlineData("""{ "id": "w", "type": "branch", "if": { "metric": "shoeSize", "op": ">", "value": 40 } }""", "/nodes/0/if/metric", "unknown metric")]
    [InlineData("""{ "id": "w", "type": "randomSplit", "arms": [ { "name": "a", "weight": 0 } ] }""", "/nodes/0/arms", "zero")]
    [InlineData("""{ "id": "w", "type": "updateProfile" }""", "/nodes/0", "setTags or recordOffer")]
    public void Parse_ImpossibleOrMalformedNode_IsAnErrorAtItsPointer(string node, string pointer, string words)
    {
        var errors = JourneyReader.Parse($$"""{ "id": "t", "version": 1, "name": "T", "entry": { "type": "api" }, "start": "w", "nodes": [ {{node}} ] }""").Errors;

        Assert.Contains(errors, e => e.Pointer == pointer && e.Message.Contains(words, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "reEntry": { "type": "distinctKey" } }""", "/reEntry", "businessKey")]
    [InlineData("""{ "reEntry": { "type": "cooldown", "cooldown": "-1d" } }""", "/reEntry/cooldown", "positive")]
    [InlineData("""{ "exit": { "consentWithdrawn": ["email", "pigeon"] } }""", "/exit/consentWithdrawn/1", "unknown channel")]
    [InlineData("""{ "goal": { "event": { "name": "x", "sameKey": true }, "within": "1d" } }""", "/goal/event/sameKey", "businessKey")]
    [InlineData("""{ "start": "nope" }""", "/start", "no node 'nope'")]
    [InlineData("""{ "version": 0 }""", "/version", "1 or more")]
    [InlineData("""{ "entry": { "type": "schedule", "every": "1d", "at": "9am" } }""", "/entry/at", "HH:mm")]
    public void Parse_BadTopLevelField_IsAnErrorAtItsPointer(string overrides, string pointer, string words)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse("""{ "id": "t", "version": 1, "name": "T", "entry": { "type": "api" }, "start": "w", "nodes": [ { "id": "w", "type": "exit" } ] }""")!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(overrides)!.AsObject())
        {
            json[key] = value?.DeepClone();
        }

        var errors = JourneyReader.Parse(json.ToJsonString()).Errors;

        Assert.Contains(errors, e => e.Pointer == pointer && e.Message.Contains(words, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NotJson_IsOneErrorAtTheRoot()
    {
        var error = Assert.Single(JourneyReader.Parse("{ nope").Errors);

        Assert.Equal("", error.Pointer);
    }

    [Theory]
    [InlineData("30s", 0, 0, 30)]
    [InlineData("90m", 1, 30, 0)]
    [InlineData("24h", 24, 0, 0)]
    [InlineData("7d", 168, 0, 0)]
    [InlineData("2w", 336, 0, 0)]
    [InlineData("-7d", -168, 0, 0)]
    public void Duration_ReadsTheShortForm(string text, int hours, int minutes, int seconds)
    {
        Assert.True(JourneyText.TryParseDuration(text, out var d));
        Assert.Equal(new TimeSpan(hours, minutes, seconds), d);
    }

    [Theory]
    [InlineData(0, 90, "90m")]
    [InlineData(36, 0, "36h")]
    [InlineData(48, 0, "2d")]
    [InlineData(168, 0, "1w")]
    [InlineData(-168, 0, "-1w")]
    public void Duration_WritesTheShortestExactForm(int hours, int minutes, string text) =>
        Assert.Equal(text, JourneyText.Duration(new TimeSpan(hours, minutes, 0)));

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("1y")]
    [InlineData("1.5h")]
    [InlineData("PT1H")]
    public void Duration_OtherText_IsNotADuration(string text) => Assert.False(JourneyText.TryParseDuration(text, out _));
}
