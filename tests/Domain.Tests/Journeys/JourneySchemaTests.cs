#if LODESTAR_JOURNEY_SCHEMA
// Compiled when this project references src/Journeys.Schema (which brings the JSON Schema library; the Domain may not)
// and defines LODESTAR_JOURNEY_SCHEMA.
using System.Text.Json;
using Lodestar.Journeys;

namespace Lodestar.Tests.Journeys;

public sealed class JourneySchemaTests
{
    [Theory]
    [MemberData(nameof(Samples.All), MemberType = typeof(Samples))]
    public void Schema_EverySample_IsValid(string name)
    {
        var errors = JourneySchema.Check(Samples.Text(name));

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(Samples.All), MemberType = typeof(Samples))]
    public void Validate_EverySample_PassesSchemaAndDomainValidator(string name)
    {
        var validated = JourneySchema.Validate(Samples.Text(name), Samples.Options);

        Assert.True(validated.IsValid, string.Join("\n", validated.Errors));
    }

    [Fact]
    public void Schema_PublishedFile_IsTheEmbeddedOne() =>
        Assert.Equal(File.ReadAllText(Path.Combine(Samples.Folder, "journey.schema.json")), JourneySchema.Text);

    [Theory]
    [InlineData("/nodes/0/duration", """{ "id": "x", "type": "delay", "duration": "-5m" }""")]
    [InlineData("/nodes/0/channel", """{ "id": "x", "type": "send", "channel": "fax", "template": "t" }""")]
    [InlineData("/nodes/0/timeout", """{ "id": "x", "type": "waitForEvent", "event": { "name": "e" }, "timeout": "0h" }""")]
    [InlineData("/nodes/0/days", """{ "id": "x", "type": "waitUntil", "days": [] }""")]
    [InlineData("/nodes/0/retries", """{ "id": "x", "type": "send", "channel": "sms", "template": "t", "retries": 2 }""")]
    public void Schema_AndReader_RejectTheSameBrokenNode_AtTheSamePointer(string pointer, string node)
    {
        var json = $$"""{ "id": "t", "version": 1, "name": "T", "entry": { "type": "api" }, "start": "x", "nodes": [ {{node}} ] }""";

        Assert.Contains(JourneySchema.Check(json), e => e.Pointer == pointer);
        Assert.Contains(JourneyReader.Parse(json).Errors, e => e.Pointer == pointer);
    }

    [Fact]
    public void Validate_BrokenFile_ListsEveryErrorWithItsPointer()
    {
        const string json = """{ "id": "t", "version": 1, "name": "T", "entry": { "type": "api" }, "start": "x", "nodes": [ { "id": "x", "type": "delay", "duration": "-5m", "next": "y" } ] }""";

        var validated = JourneySchema.Validate(json);

        Assert.False(validated.IsValid);
        Assert.Contains(validated.Errors, e => e.Pointer == "/nodes/0/duration");
        Assert.All(validated.Errors, e => Assert.StartsWith("/", e.Pointer, StringComparison.Ordinal));
    }

    [Fact]
    public void Schema_IsDraft2020_12() =>
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", JsonDocument.Parse(JourneySchema.Text).RootElement.GetProperty("$schema").GetString());
}
#endif
