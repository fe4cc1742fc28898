using System.Text.Json.Nodes;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>The Functions app: Flex Consumption, .NET 10 isolated, and every setting the app reads set identity-based.</summary>
public sealed class FunctionAppTests(CompiledTemplate compiled)
{
    /// <summary>
    /// The app settings object main.bicep hands the function app module, which its <c>sites/config appsettings</c>
    /// resource applies together with the optional ones (SMS once a number exists; checked below).
    /// </summary>
    public static IReadOnlyDictionary<string, JsonNode?> AppSettings(CompiledTemplate compiled)
    {
        var settings = compiled.Module("functionApp")["properties"]!["parameters"]!["settings"]!["value"]!.AsObject();
        return settings.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    [Fact]
    public void Plan_IsFlexConsumptionFC1()
    {
        var plan = compiled.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", (string?)plan.Json["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan.Json["sku"]!["tier"]);
        Assert.True((bool)plan.Properties!["reserved"]!);
    }

    [Fact]
    public void Site_RunsDotnetIsolated10_OnLinux()
    {
        var site = compiled.Single("Microsoft.Web/sites");
        var runtime = site.Properties!["functionAppConfig"]!["runtime"]!;

        Assert.Equal("functionapp,linux", (string?)site.Json["kind"]);
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal("10.0", (string?)runtime["version"]);
        Assert.Null(site.Properties!["siteConfig"]?["linuxFxVersion"]);
    }

    [Fact]
    public void Site_DeploysFromBlobContainer_WithTheUserAssignedIdentity()
    {
        var site = compiled.Single("Microsoft.Web/sites");
        var storage = site.Properties!["functionAppConfig"]!["deployment"]!["storage"]!;

        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]!["type"]);
        Assert.Equal("[parameters('identityId')]", (string?)storage["authentication"]!["userAssignedIdentityResourceId"]);
        Assert.Equal("[parameters('identityId')]", (string?)site.Properties!["keyVaultReferenceIdentity"]);
        Assert.Single(compiled.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"));
    }

    [Fact]
    public void AppSettingsResource_AppliesTheSettingsObjectAsAWhole()
    {
        var config = compiled.Single("Microsoft.Web/sites/config");

        Assert.Contains("'appsettings'", (string?)config.Json["name"], StringComparison.Ordinal);
        Assert.Equal("[union(parameters('settings'), parameters('conditionalSettings'))]", (string?)config.Properties);
    }

    [Fact]
    public void OptionalSettings_AreOnlySms_AndAbsentUntilANumberIsGiven()
    {
        var optional = (string?)compiled.Module("functionApp")["properties"]!["parameters"]!["conditionalSettings"];

        Assert.StartsWith("[if(empty(parameters('smsFrom')), createObject('value', createObject()),", optional, StringComparison.Ordinal);
        Assert.DoesNotContain("KeyVault", optional, StringComparison.Ordinal);
        Assert.DoesNotContain(AppSettings(compiled).Keys, k => k.StartsWith("Channels__Sms__", StringComparison.Ordinal));
    }

    [Fact]
    public void AppSettings_SetEverySettingTheFunctionsAppReads()
    {
        var required = SettingsTheAppReads.All();
        var set = AppSettings(compiled).Keys.ToList();

        Assert.NotEmpty(required);
        Assert.Contains("Lodestar__Runs__Zone", required); // the scan found the section-bound classes, not only the sample
        var missing = required.Where(r => !SettingsTheAppReads.IsCovered(r, set)).ToList();
        Assert.True(missing.Count == 0, "main.bicep does not set: " + string.Join(", ", missing));
    }

    [Fact]
    public void AppSettings_OmitWhatFlexConsumptionForbids()
    {
        var set = AppSettings(compiled).Keys;

        Assert.All(SettingsTheAppReads.ForbiddenOnFlex, forbidden => Assert.DoesNotContain(forbidden, set));
        Assert.DoesNotContain("AzureWebJobsStorage", set); // the connection-string form; the identity form is set instead
    }

    [Theory]
    [InlineData("AzureWebJobsStorage")]
    [InlineData("EventHubConnection")]
    public void IdentityBasedConnections_UseTheAppsIdentity(string connection)
    {
        var settings = AppSettings(compiled);

        Assert.Equal("managedidentity", (string?)settings[$"{connection}__credential"]);
        Assert.Equal(Expression(settings["AZURE_CLIENT_ID"]), Expression(settings[$"{connection}__clientId"]));
        Assert.Contains("'identity'", Expression(settings[$"{connection}__clientId"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Telemetry_AuthenticatesWithTheAppsIdentity()
    {
        var settings = AppSettings(compiled);

        Assert.Contains("Authorization=AAD", Expression(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]), StringComparison.Ordinal);
        Assert.Contains("'identity'", Expression(settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]), StringComparison.Ordinal);
    }

    private static string Expression(JsonNode? node) => node?.GetValue<string>() ?? "";
}
