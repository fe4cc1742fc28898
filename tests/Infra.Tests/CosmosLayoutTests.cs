using System.Text.Json.Nodes;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>
/// The Cosmos DB account and the container layout the adapter relies on. The partition keys are the design's access
/// paths (issue 7): writing them here as well as in infra/bicep/cosmos-containers.json makes a change to either a
/// deliberate one.
/// </summary>
public sealed class CosmosLayoutTests(CompiledTemplate compiled)
{
    public static TheoryData<string, string> Containers => new()
    {
        { "profiles", "/customerId" },
        { "events", "/customerId" },
        { "identities", "/idHash" },
        { "journeys", "/journeyId" },
        { "journeyInstances", "/customerId" },
        { "consent", "/customerId" },
        { "deadLetters", "/source" },
        { "deliveries", "/messageId" },
        { "runs", "/period" },
    };

    private static JsonObject Layout() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraFolder, "cosmos-containers.json")))!.AsObject();

    [Theory]
    [MemberData(nameof(Containers))]
    public void Container_IsPartitionedOnItsAccessPath(string name, string partitionKey)
    {
        var container = Assert.Single(Layout()["containers"]!.AsArray(), c => (string?)c!["name"] == name)!;

        Assert.Equal(partitionKey, (string?)container["partitionKey"]);
    }

    [Fact]
    public void Layout_HoldsExactlyTheDesignedContainers()
    {
        var names = Layout()["containers"]!.AsArray().Select(c => (string?)c!["name"]).Order(StringComparer.Ordinal);

        Assert.Equal(Containers.Select(c => c.Data.Item1).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void IndexingPolicies_NeverExcludeAPartitionKeyOrAnIncludedPath()
    {
        foreach (var container in Layout()["containers"]!.AsArray())
        {
            var excluded = container!["excludedPaths"]!.AsArray().Select(p => (string?)p).ToList();
            var included = container["includedPaths"]?.AsArray().Select(p => (string?)p).ToList() ?? ["/*"];
            var key = (string)container["partitionKey"]!;

            Assert.NotEmpty(excluded);
            Assert.DoesNotContain(excluded, p => p == $"{key}/?" || p == $"{key}/*");
            Assert.Empty(excluded.Intersect(included));
        }
    }

    [Fact]
    public void Template_CreatesEveryContainerOfTheLayout_WithItsKeyAndIndexing()
    {
        var resource = compiled.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");

        Assert.Equal("[length(variables('layout').containers)]", (string?)resource.Json["copy"]!["count"]);
        var body = resource.Properties!["resource"]!;
        Assert.Contains("partitionKey", body["partitionKey"]!["paths"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("excludedPaths", body["indexingPolicy"]!["excludedPaths"]!.ToJsonString(), StringComparison.Ordinal);
        var layout = resource.Resolve(resource.Template["variables"]!["layout"]);
        Assert.True(JsonNode.DeepEquals(Layout(), layout), "the compiled layout differs from cosmos-containers.json");
    }

    [Fact]
    public void Account_IsServerless_WithContinuousBackup()
    {
        var account = compiled.Single("Microsoft.DocumentDB/databaseAccounts").Properties!;

        Assert.Contains(account["capabilities"]!.AsArray(), c => (string?)c!["name"] == "EnableServerless");
        Assert.Equal("Continuous", (string?)account["backupPolicy"]!["type"]);
    }
}
