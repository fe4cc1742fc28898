using System.Text.Json.Nodes;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>Key and SAS authentication is off wherever the service allows it, so Entra ID is the only way in.</summary>
public sealed class LocalAuthTests(CompiledTemplate compiled)
{
    [Fact]
    public void Storage_DisallowsSharedKeys() =>
        Assert.False((bool)Properties("Microsoft.Storage/storageAccounts")["allowSharedKeyAccess"]!);

    [Fact]
    public void EventHubs_DisablesLocalAuth() =>
        Assert.True((bool)Properties("Microsoft.EventHub/namespaces")["disableLocalAuth"]!);

    [Fact]
    public void Cosmos_DisablesLocalAuthAndKeyBasedMetadataWrites()
    {
        var cosmos = Properties("Microsoft.DocumentDB/databaseAccounts");

        Assert.True((bool)cosmos["disableLocalAuth"]!);
        Assert.True((bool)cosmos["disableKeyBasedMetadataWriteAccess"]!);
    }

    [Fact]
    public void OpenAi_DisablesLocalAuth_AndHasTheSubdomainEntraNeeds()
    {
        var openAi = compiled.Single("Microsoft.CognitiveServices/accounts");

        Assert.Equal("OpenAI", (string?)openAi.Json["kind"]);
        Assert.True((bool)openAi.Properties!["disableLocalAuth"]!);
        Assert.NotNull(openAi.Properties!["customSubDomainName"]);
    }

    [Fact]
    public void Monitoring_DisablesLocalAuth()
    {
        Assert.True((bool)Properties("Microsoft.Insights/components")["DisableLocalAuth"]!);
        Assert.True((bool)Properties("Microsoft.OperationalInsights/workspaces")["features"]!["disableLocalAuth"]!);
    }

    [Fact]
    public void KeyVault_UsesAzureRbac_NotAccessPolicies() =>
        Assert.True((bool)Properties("Microsoft.KeyVault/vaults")["enableRbacAuthorization"]!);

    [Fact]
    public void FunctionApp_DisablesBasicAuthPublishing()
    {
        var policies = compiled.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Contains(policies, p => ((string?)p.Json["name"])!.Contains("'scm'", StringComparison.Ordinal));
        Assert.Contains(policies, p => ((string?)p.Json["name"])!.Contains("'ftp'", StringComparison.Ordinal));
        Assert.All(policies, p => Assert.False((bool)p.Properties!["allow"]!));
    }

    private JsonNode Properties(string type) => compiled.Single(type).Properties!;
}
