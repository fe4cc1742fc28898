using System.Text.Json.Nodes;

namespace Lodestar.Tests.Support;

/// <summary>One ARM resource of the compiled template, with the module (nested deployment) that declares it.</summary>
public sealed partial record ArmResource(string Module, string Type, JsonObject Json, JsonObject Template)
{
    public JsonNode? Properties => Json["properties"];

    /// <summary>
    /// A value with the template's variable references resolved: <c>[variables('roleIds').storageBlobDataOwner]</c>
    /// becomes the GUID it names, <c>[variables('$fxv#0')]</c> the JSON a loadJsonContent inlined. Anything else stays as is.
    /// </summary>
    public JsonNode? Resolve(JsonNode? value)
    {
        for (var depth = 0; depth < 8 && value is JsonValue v && v.TryGetValue<string>(out var text)
             && VariableReference().Match(text) is { Success: true } reference; depth++)
        {
            var variable = Template["variables"]?[reference.Groups[1].Value];
            value = reference.Groups[2].Success ? variable?[reference.Groups[2].Value] : variable;
        }
        return value;
    }

    /// <summary>An ARM expression with each string variable it references written in place, quoted.</summary>
    public string Expand(string expression) => InlineVariable().Replace(expression, m =>
        Resolve(JsonValue.Create($"[{m.Value}]")) is JsonValue v && v.TryGetValue<string>(out var text) ? $"'{text}'" : m.Value);

    [System.Text.RegularExpressions.GeneratedRegex(@"variables\('[^']+'\)(?:\.\w+)?")]
    private static partial System.Text.RegularExpressions.Regex InlineVariable();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\[variables\('([^']+)'\)(?:\.(\w+))?\]$")]
    private static partial System.Text.RegularExpressions.Regex VariableReference();

    public override string ToString() => $"{Type} in {Module}";
}

/// <summary>
/// main.bicep and main.bicepparam compiled once for the whole run into a temporary folder, with the CLI runs kept so
/// the diagnostics tests can read them. Modules compile into nested deployments; <see cref="Resources"/> flattens them.
/// </summary>
public sealed class CompiledTemplate : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lodestar-bicep-").FullName;

    public CompiledTemplate()
    {
        var template = Path.Combine(_folder, "main.json");
        var parameters = Path.Combine(_folder, "main.parameters.json");
        // Four independent CLI runs (about a second of CPU each), started together.
        var runs = new[]
        {
            Task.Run(() => BicepCli.Run("build", "main.bicep", "--outfile", template)),
            Task.Run(() => BicepCli.Run("build-params", "main.bicepparam", "--outfile", parameters)),
            Task.Run(() => BicepCli.Run("lint", "main.bicep")),
            Task.Run(() => BicepCli.Run("lint", "main.bicepparam")),
        };
        Task.WaitAll(runs);
        (Build, BuildParams, Lint, LintParams) = (runs[0].Result, runs[1].Result, runs[2].Result, runs[3].Result);
        Root = File.Exists(template) ? JsonNode.Parse(File.ReadAllText(template))!.AsObject() : [];
        Parameters = File.Exists(parameters) ? JsonNode.Parse(File.ReadAllText(parameters))!.AsObject() : [];
        Text = File.Exists(template) ? File.ReadAllText(template) : "";
        Resources = [.. Flatten("main", Root)];
    }

    public BicepRun Build { get; }
    public BicepRun BuildParams { get; }
    public BicepRun Lint { get; }
    public BicepRun LintParams { get; }

    public JsonObject Root { get; }
    public JsonObject Parameters { get; }
    public string Text { get; }
    public IReadOnlyList<ArmResource> Resources { get; }

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type) => Assert.Single(OfType(type));

    /// <summary>The nested deployment of a module by its deployment name (the <c>name:</c> in main.bicep).</summary>
    public JsonObject Module(string name) =>
        Assert.Single(OfType("Microsoft.Resources/deployments"), r => (string?)r.Json["name"] == name).Json;

    /// <summary>Every template in the tree (main and each module), with the outputs each declares.</summary>
    public IEnumerable<(string Module, JsonObject Template)> Templates() => Walk("main", Root);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static IEnumerable<(string, JsonObject)> Walk(string module, JsonObject template)
    {
        yield return (module, template);
        foreach (var resource in ResourcesOf(template).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments"))
        {
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Walk((string?)resource["name"] ?? "?", nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<ArmResource> Flatten(string module, JsonObject template)
    {
        foreach (var (name, t) in Walk(module, template))
        {
            foreach (var resource in ResourcesOf(t))
            {
                yield return new ArmResource(name, (string?)resource["type"] ?? "", resource, t);
            }
        }
    }

    // Classic templates list resources in an array; languageVersion 2.0 keys them by symbolic name.
    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray list => list.OfType<JsonObject>(),
        JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };
}
