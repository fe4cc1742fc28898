using System.Collections.Immutable;
using System.Text;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Jobs;
using Lodestar.Jobs.History;
using Lodestar.Learning.Modelling;
using Lodestar.Learning.Replay;
using Lodestar.Profiles;
using Lodestar.Runs;
using Lodestar.Simulation;
using Lodestar.Sqlite;
using Lodestar.Tags;
using MathNet.Numerics.Distributions;

namespace Lodestar.Tests.Support;

/// <summary>A clock the test sets.</summary>
internal sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A store file in a temporary folder, deleted with the folder.</summary>
internal sealed class TempStore : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lodestar-jobs-").FullName;

    public TempStore()
        : this(null)
    {
    }

    private TempStore(Action<string>? fill)
    {
        Path = System.IO.Path.Combine(_folder, "lodestar.db");
        fill?.Invoke(Path);
        Store = SqliteStore.Open(Path, synchronousFull: false);
    }

    /// <summary>A store holding a consistent copy of <paramref name="source"/> (SQLite's backup, WAL included).</summary>
    public static async Task<TempStore> CopyOfAsync(SqliteStore source)
    {
        var folder = Directory.CreateTempSubdirectory("lodestar-jobs-copy-").FullName;
        var copy = System.IO.Path.Combine(folder, "lodestar.db");
        await source.BackupAsync(copy, CancellationToken.None);
        return new TempStore(path =>
        {
            File.Move(copy, path);
            Directory.Delete(folder, recursive: true);
        });
    }

    public string Path { get; }

    public SqliteStore Store { get; }

    public void Dispose()
    {
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by the OS on some platforms; the temp folder is cleaned eventually
        }
    }

    /// <summary>Every profile's version and tags: equal before and after means the run changed nothing.</summary>
    public async Task<ImmutableSortedDictionary<string, (long Version, string Tags)>> StateAsync()
    {
        var state = ImmutableSortedDictionary.CreateBuilder<string, (long, string)>(StringComparer.Ordinal);
        await foreach (var p in Store.ReadAllAsync(CancellationToken.None))
        {
            state[p.Id.Value] = (p.Version, string.Join(";", p.Tags.Select(t => $"{t.Key}={t.Value.Value}@{t.Value.SetAt:O}")));
        }
        return state.ToImmutable();
    }

    public async Task<List<Profile>> ProfilesAsync()
    {
        var list = new List<Profile>();
        await foreach (var p in Store.ReadAllAsync(CancellationToken.None))
        {
            list.Add(p);
        }
        return list;
    }
}

/// <summary>The instants of the tests: the shop ends at midnight in Shanghai, the end of the day and month the runs cover.</summary>
internal static class Instants
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static readonly RunSchedule Schedule = RunSchedule.Default(Shanghai);

    /// <summary>2025-07-01 00:00 in Shanghai: the end of the day 2025-06-30 and of the month 2025-06.</summary>
    public static readonly DateTimeOffset End = new(2025, 7, 1, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>03:30 on the 1st: both the daily (02:00) and the monthly (03:00) run are due.</summary>
    public static readonly DateTimeOffset RunTime = End.AddHours(3.5);

    public const string Day = "2025-06-30";

    public const string Month = "2025-06";

    /// <summary>Small training: the tests check the runs, not the models (tests/Learning.Tests does).</summary>
    public static readonly TrainingOptions SmallTraining = TrainingOptions.Default with { Learners = [Learner.LogisticRegression], Folds = 3 };

    /// <summary>
    /// The synthetic shop places orders at random times with no drop-out, so churn there cannot be predicted: the
    /// model gate is off here to test the writing, and <see cref="ShopRunTests"/> checks the gate separately.
    /// </summary>
    public static readonly JobOptions Options = JobOptions.Default with
    {
        Churn = new ChurnJobOptions { Horizon = TimeSpan.FromDays(60), TrendWindow = TimeSpan.FromDays(60), Training = SmallTraining, MinimumExamples = 50, MinimumAuc = 0 },
        Propensity = new PropensityJobOptions { Conversion = new() { Training = SmallTraining } },
    };
}

/// <summary>
/// A small synthetic shop (600 customers, six months to <see cref="Instants.End"/>) ingested into a SQLite store through
/// the product's path (cleaner, then the ingest use case), and the same records as the history the model steps replay.
/// Built once; each test works on a copy of the store file.
/// </summary>
public sealed class ShopFixture : IAsyncLifetime
{
    private static readonly PiiProtector Pii = new(Encoding.UTF8.GetBytes("lodestar-jobs-tests-hmac-key-0123456789abcdef"));

    private TempStore? _base;

    internal Task<TempStore> CopyAsync() => TempStore.CopyOfAsync(_base!.Store);

    internal RecordedHistory History { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var shop = SyntheticShop.Generate(new SyntheticShopOptions { Customers = 600, Seed = 7, End = Instants.End });
        var cleaner = new Cleaner(Pii, CleaningOptions.Default);
        var receivedAt = shop.Context.ReceivedAt;
        var cleaned = HistorySources.SyntheticShop(shop).Select(e => cleaner.Clean(e, receivedAt)).ToList();
        _base = new TempStore();
        var ingest = new IngestEvents(_base.Store, TagRuleSet.Default, new TestClock(receivedAt));
        foreach (var batch in cleaned.Chunk(500))
        {
            await ingest.IngestAsync(batch, CancellationToken.None);
        }
        History = new RecordedHistory([.. cleaned.Where(r => !r.Quarantined).Select(r => r.Event)]);
    }

    public ValueTask DisposeAsync()
    {
        _base?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Buyers simulated from the BG/NBD and Gamma-Gamma processes with CDNOW-like parameters (weekly rates), written
/// straight into a store as profiles with their totals, plus some visitors who never ordered. No events: the model
/// steps that need history are skipped here, CLV and tiers run.
/// </summary>
public sealed class BuyersFixture : IAsyncLifetime
{
    public const int Buyers = 1_500;

    public const int Visitors = 300;

    private TempStore? _base;

    internal Task<TempStore> CopyAsync() => TempStore.CopyOfAsync(_base!.Store);

    public async ValueTask InitializeAsync()
    {
        _base = new TempStore();
        var rng = new Random(20_250_701);
        var start = Instants.End.AddDays(-7 * 52);
        var profiles = new List<Profile>();
        for (var i = 0; i < Buyers; i++)
        {
            var first = start.AddDays(rng.NextDouble() * 7 * 26);
            var rate = Gamma.Sample(rng, 0.243, 4.414); // purchases per week
            var drop = Beta.Sample(rng, 0.793, 2.426);
            var nu = Gamma.Sample(rng, 3.74, 15.44);
            long orders = 1, spend = (long)(Gamma.Sample(rng, 6.25, nu) * 100);
            var last = first;
            for (var t = first; ;)
            {
                if (rng.NextDouble() < drop)
                {
                    break; // leaves after this purchase
                }
                var gap = 7 * Exponential.Sample(rng, rate); // days; huge for the slowest buyers
                if (gap >= (Instants.End - t).TotalDays)
                {
                    break;
                }
                t = t.AddDays(gap);
                orders++;
                spend += (long)(Gamma.Sample(rng, 6.25, nu) * 100);
                last = t;
            }
            profiles.Add(new Profile
            {
                Id = CustomerId.DerivedFrom($"member:buyer-{i}"),
                FirstSeen = first.AddDays(-1),
                LastSeen = last,
                Counters = new Counters { Events = orders * 3, Sessions = orders, Orders = orders, SpendMinor = spend, FirstOrderAt = first, LastOrderAt = last },
            });
        }
        for (var i = 0; i < Visitors; i++)
        {
            var seen = start.AddDays(rng.NextDouble() * 7 * 52);
            profiles.Add(new Profile
            {
                Id = CustomerId.DerivedFrom($"anonymous:visitor-{i}"),
                FirstSeen = seen,
                LastSeen = seen.AddHours(1),
                Counters = new Counters { Events = 3, Sessions = 1, PageViews = 3 },
            });
        }
        foreach (var batch in profiles.Chunk(500))
        {
            Assert.Empty(await _base.Store.SaveAsync(batch, CancellationToken.None));
        }
    }

    public ValueTask DisposeAsync()
    {
        _base?.Dispose();
        return ValueTask.CompletedTask;
    }
}
