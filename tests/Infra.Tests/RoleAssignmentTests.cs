using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>
/// Least privilege for the app's identity: each data-plane role the app needs, on the resource it needs it for, and
/// nothing else. Role ids are Azure's fixed built-in ids (docs: "Azure built-in roles"), written here independently of
/// the template.
/// </summary>
public sealed partial class RoleAssignmentTests(CompiledTemplate compiled)
{
    public static TheoryData<string, string, string> NeededRoles => new()
    {
        { "Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts" },
        { "Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts" },
        { "Storage Table Data Contributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", "Microsoft.Storage/storageAccounts" },
        { "Azure Event Hubs Data Sender", "2b629674-e913-4c01-ae53-ef4638d8f975", "Microsoft.EventHub/namespaces/eventhubs" },
        { "Azure Event Hubs Data Receiver", "a638d3c7-ab3a-418d-83e6-5f17a39d4fde", "Microsoft.EventHub/namespaces/eventhubs" },
        { "Cognitive Services OpenAI User", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "Microsoft.CognitiveServices/accounts" },
        { "Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components" },
        { "Key Vault Secrets User", "4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults" },
        { "Communication and Email Service Owner", "09976791-48a7-449e-bb21-39d1a415f350", "Microsoft.Communication/communicationServices" },
    };

    private const string CosmosBuiltInDataContributor = "00000000-0000-0000-0000-000000000002";

    private const string AppPrincipal = "[parameters('principalId')]";

    [Theory]
    [MemberData(nameof(NeededRoles))]
    public void AppIdentity_HoldsRole_OnTheResourceThatNeedsIt(string role, string roleId, string scopeType)
    {
        var assignment = Assert.Single(Assignments(), a => a.RoleId == roleId);

        Assert.Equal(AppPrincipal, assignment.PrincipalId);
        Assert.Equal("ServicePrincipal", assignment.PrincipalType);
        Assert.True(assignment.Scope.Contains($"'{scopeType}'", StringComparison.OrdinalIgnoreCase), $"{role} is scoped to {assignment.Scope}");
    }

    [Fact]
    public void AppIdentity_HoldsNoRoleBeyondTheNeededOnes()
    {
        var needed = NeededRoles.Select(r => r.Data.Item2).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var assigned = Assignments().ToList();

        Assert.NotEmpty(assigned);
        Assert.All(assigned, a => Assert.Contains(a.RoleId, needed));
        Assert.Equal(assigned.Count, assigned.Select(a => a.RoleId).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void PrincipalOfTheRoles_IsTheAppsUserAssignedIdentity()
    {
        var roles = compiled.Module("roles");
        var principal = (string?)roles["properties"]!["parameters"]!["principalId"]!["value"];

        Assert.Equal("[reference(resourceId('Microsoft.Resources/deployments', 'identity'), '2025-04-01').outputs.principalId.value]", principal);
        var identity = compiled.Single("Microsoft.ManagedIdentity/userAssignedIdentities");
        Assert.Equal("identity", identity.Module);
        var site = compiled.Single("Microsoft.Web/sites");
        Assert.Equal("UserAssigned", (string?)site.Json["identity"]!["type"]);
    }

    [Fact]
    public void Cosmos_DataContributor_IsAssignedThroughSqlRoleAssignments_OnTheDatabase()
    {
        var assignment = compiled.Single("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
        var properties = assignment.Properties!;

        var definition = assignment.Expand(properties["roleDefinitionId"]!.GetValue<string>());
        Assert.Equal($"[format('{{0}}/sqlRoleDefinitions/{{1}}', resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName')), '{CosmosBuiltInDataContributor}')]", definition);
        Assert.Equal(AppPrincipal, (string?)properties["principalId"]);
        Assert.Contains("/dbs/", properties["scope"]!.ToJsonString(), StringComparison.Ordinal);
    }

    private sealed record Assignment(string RoleId, string PrincipalId, string? PrincipalType, string Scope);

    private IEnumerable<Assignment> Assignments() =>
        compiled.OfType("Microsoft.Authorization/roleAssignments").Select(r => new Assignment(
            Guid().Match(RoleDefinition(r)).Value,
            (string?)r.Properties!["principalId"] ?? "",
            (string?)r.Properties!["principalType"],
            (string?)r.Json["scope"] ?? ""));

    // [subscriptionResourceId('Microsoft.Authorization/roleDefinitions', <id>)], the id inline or in a variable.
    private static string RoleDefinition(ArmResource assignment)
    {
        var expression = assignment.Expand(assignment.Properties!["roleDefinitionId"]!.GetValue<string>());
        Assert.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions',", expression, StringComparison.Ordinal);
        return expression;
    }

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();
}
