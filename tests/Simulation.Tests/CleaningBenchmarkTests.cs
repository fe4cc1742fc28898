using System.Text.Json;
using Lodestar.Ingestion;
using Lodestar.Simulation;

namespace Lodestar.Tests;

public sealed class CleaningBenchmarkTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset End = new(2026, 6, 30, 16, 0, 0, TimeSpan.Zero);

    private static CleaningBenchmark Benchmark() => new(() => new MemoryIngestStore(keepEvents: true));

    [Fact]
    public async Task Synthetic_SmallShop_ReachesTheProductTarget()
    {
        var shop = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 600, Seed = 11, End = End });

        var score = await Benchmark().ScoreSyntheticAsync(shop, TestContext.Current.CancellationToken);

        output.WriteLine(Table(score));
        Assert.Equal(0, score.Unparsed);
        Assert.True(score.Overall.Precision >= 0.98 && score.Overall.Recall >= 0.98, Table(score));
    }

    [Fact]
    public async Task Synthetic_AgainstTheSqliteStore_ScoresAsInMemory()
    {
        var shop = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 200, Seed = 4, End = End });
        var directory = Directory.CreateTempSubdirectory("lodestar-bench-");
        try
        {
            var onSqlite = await new CleaningBenchmark(() => Lodestar.Sqlite.SqliteStore.Open(Path.Combine(directory.FullName, "bench.db"), synchronousFull: false))
                .ScoreSyntheticAsync(shop, TestContext.Current.CancellationToken);
            var inMemory = await Benchmark().ScoreSyntheticAsync(shop, TestContext.Current.CancellationToken);

            output.WriteLine(Table(onSqlite));
            Assert.Equal(inMemory.Rules, onSqlite.Rules);
            Assert.Contains(onSqlite.Rules, r => r.Rule == "near_duplicate" && r.TruePositives > 0);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Report_SerialisesToTheCliShape()
    {
        var shop = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 50, Seed = 3, End = End });
        var report = CleaningBenchmarkReport.Combine([await Benchmark().ScoreSyntheticAsync(shop, TestContext.Current.CancellationToken)]);

        using var json = JsonDocument.Parse(report.ToJson());

        var root = json.RootElement;
        Assert.InRange(root.GetProperty("overall").GetProperty("precision").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("overall").GetProperty("recall").GetDouble(), 0, 1);
        var rule = root.GetProperty("rules")[0];
        foreach (var name in new[] { "rule", "truePositives", "falsePositives", "falseNegatives", "precision", "recall" })
        {
            Assert.True(rule.TryGetProperty(name, out _), $"rules[0] lacks {name}");
        }
        Assert.Equal("synthetic", root.GetProperty("datasets")[0].GetProperty("dataset").GetString());
    }

    [Fact]
    public void OnlineRetail_First20kRows_KnownDefectsAreFound()
    {
        var path = SharedData.Require(SharedData.OnlineRetail);

        var score = Benchmark().ScoreOnlineRetail(path, 20_000, TestContext.Current.CancellationToken);

        output.WriteLine(Table(score));
        Assert.Equal(20_000, score.Records);
        Assert.Equal(0, score.Unparsed);
        Assert.Equal(1.0, score.Rules.Single(r => r.Rule == "missing_identity").Recall);
        Assert.Equal(1.0, score.Rules.Single(r => r.Rule == "cancellation").Recall);
    }

    internal static string Table(DatasetScore score) =>
        $"{score.Dataset}: {score.Records} records, {score.DirtyRecords} dirty, {score.Unparsed} unparsed, {score.Seconds:0.00} s; "
        + $"overall P {score.Overall.Precision:P2} R {score.Overall.Recall:P2}\n"
        + string.Join('\n', score.Rules.Select(r => $"  {r.Rule,-22} tp {r.TruePositives,6} fp {r.FalsePositives,5} fn {r.FalseNegatives,5}  P {r.Precision:P2}  R {r.Recall:P2}"));
}
