using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>
/// CI's gate: build and lint of the template and its parameter file print nothing. The CLI exits 0 on warnings (an unknown
/// property is only a warning), so these tests read the output, and a control case shows a warning would be caught.
/// </summary>
public sealed class BicepDiagnosticsTests(CompiledTemplate compiled)
{
    [Fact]
    public void Build_MainTemplate_PrintsNoDiagnostic() => AssertClean(compiled.Build);

    [Fact]
    public void Lint_MainTemplate_PrintsNoDiagnostic() => AssertClean(compiled.Lint);

    [Fact]
    public void BuildParams_ParameterFile_PrintsNoDiagnostic() => AssertClean(compiled.BuildParams);

    [Fact]
    public void Lint_ParameterFile_PrintsNoDiagnostic() => AssertClean(compiled.LintParams);

    [Fact]
    public void ParameterFile_SetsOnlyParametersTheTemplateDeclares()
    {
        var declared = compiled.Root["parameters"]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var set = compiled.Parameters["parameters"]!.AsObject().Select(p => p.Key).ToList();

        Assert.NotEmpty(set);
        Assert.All(set, name => Assert.Contains(name, declared));
    }

    [Fact]
    public void Lint_TemplateWithUnknownPropertyAndUnusedVariable_ExitsZeroButPrintsWarnings()
    {
        var folder = Directory.CreateTempSubdirectory("lodestar-bicep-control-").FullName;
        try
        {
            var file = Path.Combine(folder, "control.bicep");
            File.WriteAllText(file, """
                var unused = 'never read'
                resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
                  name: 'stcontrol'
                  location: 'eastasia'
                  kind: 'StorageV2'
                  sku: {
                    name: 'Standard_LRS'
                  }
                  properties: {
                    notAProperty: true
                  }
                }
                """);

            var lint = BicepCli.Run("lint", file);

            Assert.Equal(0, lint.ExitCode);
            Assert.Contains(lint.Diagnostics, d => d.Contains("no-unused-vars", StringComparison.Ordinal));
            Assert.Contains(lint.Diagnostics, d => d.Contains("Warning BCP037", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void AssertClean(BicepRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(run.Diagnostics.Count == 0, run.ToString());
        // Anything at all on the console is treated as a finding: a clean run prints nothing.
        Assert.True(run.Output.Length == 0, run.ToString());
    }
}
