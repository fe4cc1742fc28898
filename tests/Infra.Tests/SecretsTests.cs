using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>No key, connection string or password is read, passed on or handed out by the deployment.</summary>
public sealed partial class SecretsTests(CompiledTemplate compiled)
{
    // Words that mark a name as secret-bearing, matched against the camelCase / snake_case words of a name.
    private static readonly string[] SecretWords = ["key", "keys", "password", "secret", "secrets", "sas", "token"];

    [Fact]
    public void Template_CallsNoListFunction()
    {
        Assert.NotEmpty(compiled.Text);
        // listKeys, listConnectionStrings, listAccountSas, listSecrets, list(...): every way ARM hands out a credential.
        Assert.DoesNotMatch(ListCall(), compiled.Text);
    }

    [Fact]
    public void Outputs_InEveryTemplate_AreNeitherNamedNorValuedLikeSecrets()
    {
        var outputs = compiled.Templates()
            .SelectMany(t => (t.Template["outputs"]?.AsObject() ?? []).Select(o => (t.Module, Name: o.Key, Output: o.Value!.AsObject())))
            .ToList();

        Assert.Contains(outputs, o => o.Module == "main");
        Assert.All(outputs, o =>
        {
            var where = $"output {o.Name} of {o.Module}";
            Assert.DoesNotContain(Words(o.Name), w => SecretWords.Contains(w));
            Assert.DoesNotContain("connectionstring", o.Name, StringComparison.OrdinalIgnoreCase);
            Assert.NotEqual("securestring", ((string?)o.Output["type"])?.ToLowerInvariant());
            Assert.NotEqual("secureobject", ((string?)o.Output["type"])?.ToLowerInvariant());
            var value = o.Output["value"]?.ToJsonString() ?? o.Output["copy"]?.ToJsonString() ?? "";
            Assert.False(SecretValue().IsMatch(value), $"{where} looks secret-bearing: {value}");
        });
    }

    [Fact]
    public void Parameters_TakeNoSecureValue()
    {
        // The deployment needs no secret at all: a secure parameter would mean one passes through it.
        foreach (var (module, template) in compiled.Templates())
        {
            foreach (var parameter in template["parameters"]?.AsObject() ?? [])
            {
                var type = ((string?)parameter.Value!["type"])?.ToLowerInvariant();
                Assert.False(type is "securestring" or "secureobject", $"parameter {parameter.Key} of {module} is {type}");
            }
        }
    }

    [Fact]
    public void AppSettings_NamedLikeSecrets_AreKeyVaultReferences()
    {
        var settings = FunctionAppTests.AppSettings(compiled);
        var secretLike = settings.Where(s => IsSecretName(s.Key)).ToList();

        Assert.NotEmpty(secretLike);
        // Literal, or an ARM format() whose text is the reference: "[format('@Microsoft.KeyVault(VaultName={0};...)', ...)]".
        Assert.All(secretLike, s => Assert.Matches(@"^(\[format\(')?@Microsoft\.KeyVault\(VaultName=[^;]+;SecretName=[\w-]+\)", (string?)s.Value));
    }

    [Fact]
    public void AppSettings_CarryNoConnectionStringWithACredential()
    {
        Assert.All(FunctionAppTests.AppSettings(compiled), s =>
            Assert.False(CredentialInValue().IsMatch(s.Value?.ToJsonString() ?? ""), $"{s.Key} = {s.Value}"));
    }

    // The one connection string the platform defines for telemetry is an ingestion address, accepted only with an Entra
    // token because the component has local auth disabled (LocalAuthTests), so it is not a credential.
    private static bool IsSecretName(string setting) =>
        setting != "APPLICATIONINSIGHTS_CONNECTION_STRING" && setting != "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"
        && (Words(setting).Any(w => SecretWords.Contains(w)) || setting.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> Words(string name) =>
        WordBoundary().Split(name).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant());

    [GeneratedRegex(@"\blist[A-Za-z]*\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListCall();

    [GeneratedRegex(@"listKeys|listConnectionStrings|connectionString|primaryKey|secondaryKey|accessKey|password|secret|sharedAccess", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();

    [GeneratedRegex(@"AccountKey=|SharedAccessKey=|accesskey=|Password=|sig=", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialInValue();

    [GeneratedRegex(@"_+|(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordBoundary();
}
