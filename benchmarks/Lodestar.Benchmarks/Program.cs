using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Lodestar.Benchmarks.Clv).Assembly).Run(args);
