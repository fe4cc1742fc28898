using System.Reflection;
using System.Text.Json;
using Lodestar.Api;
using Lodestar.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Lodestar.Tests;

/// <summary>
/// Reads the functions.metadata that the Functions build wrote (the file the host indexes), so what is checked is what
/// the host would load: every route of the standalone host, and the Event Hubs trigger.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static JsonElement[] Functions()
    {
        var path = typeof(FunctionsMetadataTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FunctionsMetadata").Value!;
        if (!File.Exists(path))
        {
            Assert.Skip($"{path} does not exist: build src/Functions (same configuration) first.");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static JsonElement Trigger(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    private static IEnumerable<(string Method, string Route, string Auth)> HttpRoutes() =>
        Functions().Select(Trigger).Where(t => t.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(t => t.GetProperty("methods").EnumerateArray().Select(m =>
                (m.GetString()!.ToUpperInvariant(), t.GetProperty("route").GetString()!, t.GetProperty("authLevel").GetString()!)));

    public static TheoryData<string, string> StandaloneRoutes => new()
    {
        { "POST", "v1/track" },
        { "POST", "v1/identify" },
        { "POST", "v1/page" },
        { "POST", "v1/screen" },
        { "POST", "v1/alias" },
        { "POST", "v1/batch" },
        { "POST", "webhooks/miniprogram" },
        { "POST", "webhooks/pos" },
        { "POST", "webhooks/service" },
        { "GET", CustomerHttpFunctions.IdRoute },
        { "GET", "customers/{id}/merges" },
        { "POST", "customers/lookup" },
        { "DELETE", CustomerHttpFunctions.IdRoute },
        { "GET", "journeys" },
        { "POST", "journeys" },
        { "GET", "customers/{id}/journeys" },
        { "POST", "webhooks/eventgrid" },
        { "OPTIONS", "webhooks/eventgrid" },
        { "POST", "webhooks/delivery" },
        { "GET", "unsubscribe" },
        { "POST", "unsubscribe" },
        { "GET", "campaigns/{id}/metrics" },
    };

    [Theory]
    [MemberData(nameof(StandaloneRoutes))]
    public void Metadata_ListsRoute_WithItsMethod_Anonymous(string method, string route)
    {
        Assert.Contains((method, route, "Anonymous"), HttpRoutes());
    }

    [Fact]
    public void Metadata_HasNoOtherHttpRoutes()
    {
        Assert.Equal(StandaloneRoutes.Count, HttpRoutes().Count());
    }

    [Fact]
    public void Metadata_SegmentRoutes_AreExactlyTheApisCallTypes()
    {
        var segment = HttpRoutes().Select(r => r.Route).Where(r => r.StartsWith("v1/", StringComparison.Ordinal) && r != "v1/batch")
            .Select(r => r["v1/".Length..]);

        Assert.Equal(IngestApi.SegmentRoutes.Keys.Order(StringComparer.Ordinal), segment.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Metadata_EventHubTrigger_IsBatchedOnTheConfiguredHub_WithUnboundedRetry()
    {
        var function = Functions().Single(f => f.GetProperty("name").GetString() == "IngestFromEventHub");
        var trigger = Trigger(function);

        Assert.Equal("eventHubTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("Many", trigger.GetProperty("cardinality").GetString());
        Assert.Equal("%EventHubName%", trigger.GetProperty("eventHubName").GetString());
        Assert.Equal("EventHubConnection", trigger.GetProperty("connection").GetString());
        Assert.Equal("%EventHubConsumerGroup%", trigger.GetProperty("consumerGroup").GetString());
        Assert.Equal("In", trigger.GetProperty("direction").GetString());
        Assert.Equal("exponentialBackoff", function.GetProperty("retry").GetProperty("strategy").GetString());
        Assert.Equal(-1, function.GetProperty("retry").GetProperty("maxRetryCount").GetInt32());
    }

    /// <summary>The host orders routes by function name, so customers/{id} must not match "lookup" by itself.</summary>
    [Theory]
    [InlineData("c_0123456789abcdef", true)]
    [InlineData("not-an-id", true)]
    [InlineData("lookup", false)]
    [InlineData("LOOKUP", false)]
    [InlineData("lookups", true)]
    public void CustomerIdRoute_ExcludesLookup(string segment, bool matches)
    {
        var pattern = RoutePatternFactory.Parse(CustomerHttpFunctions.IdRoute);
        var policy = Assert.Single(Assert.Single(pattern.Parameters).ParameterPolicies).Content!;
        var constraint = new RegexRouteConstraint(policy["regex(".Length..^1]);

        Assert.Equal(matches, constraint.Match(new DefaultHttpContext(), null, "id", new RouteValueDictionary { ["id"] = segment }, RouteDirection.IncomingRequest));
    }
}
