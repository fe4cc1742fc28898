using Lodestar.Tests.Support;

// main.bicep is compiled once per run; every test reads the same output.
[assembly: AssemblyFixture(typeof(CompiledTemplate))]
