using System.Text.Json;
using Lodestar.Events;
using Lodestar.Profiles;

namespace Lodestar.Tests.Serialization;

/// <summary>Stored and published records written by an older version (fields absent) read back with empty collections.</summary>
public sealed class DomainJsonTests
{
    [Fact]
    public void CustomerEvent_WithoutOptionalCollections_ReadsThemAsEmpty()
    {
        const string json = """{"messageId":"m1","type":"track","name":"A","source":"web","ids":[],"timestamp":"2026-03-01T12:00:00+00:00"}""";

        var e = JsonSerializer.Deserialize<CustomerEvent>(json, DomainJson.Options)!;

        Assert.Empty(e.Properties);
        Assert.Empty(e.Traits);
        Assert.Equal(EventType.Track, e.Type);
    }

    [Fact]
    public void Profile_WithoutOptionalCollections_ReadsThemAsEmpty()
    {
        const string json = """{"id":"c_0123456789abcdef","firstSeen":"2026-03-01T12:00:00+00:00","lastSeen":"2026-03-01T12:00:00+00:00"}""";

        var p = JsonSerializer.Deserialize<Profile>(json, DomainJson.Options)!;

        Assert.Empty(p.Identities);
        Assert.Empty(p.Tags);
        Assert.Empty(p.RecentEvents);
        Assert.Equal(0, p.Counters.Events);
        Assert.Equal("c_0123456789abcdef", p.Id.Value);
    }
}
