using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;
using Lodestar.Standalone.Commands;
using Lodestar.Standalone.Hosting;
using Lodestar.Standalone.Journeys;
using Microsoft.Data.Sqlite;

namespace Lodestar.Standalone.Bench;

/// <summary>
/// <c>bench journeys</c>: the engine alone, the persisted driver with SQLite, trigger-to-send latency and a store of
/// many waiting instances, each on a fresh store in a temporary folder that it deletes afterwards.
/// </summary>
internal static class JourneyBenchmark
{
    public const int CreateBatch = 10_000;

    private const int EngineCustomers = 2_000;
    private const int EngineDays = 14;
    private const int PersistedInstances = 20_000;
    private const int TriggerEvents = 2_000;
    private const int TriggerProducers = 4;
    private const int DueInstances = 1_000;
    private static readonly TimeSpan MinimumTiming = TimeSpan.FromSeconds(3);

    /// <summary>The shop ends here, as in <c>journey simulate</c>: a seed always gives the same population.</summary>
    private static readonly DateTimeOffset ShopEnd = new(2026, 6, 30, 16, 0, 0, TimeSpan.Zero);

    public static async Task<JourneyBenchResult> RunAsync(int waiting, TextWriter? progress, CancellationToken ct)
    {
        var folder = SampleJourneys.FindFolder() ?? throw new DirectoryNotFoundException("the sample journeys (journeys/journey.schema.json) were not found above the working directory");
        var samples = SampleJourneys.Load(folder);
        var root = Directory.CreateTempSubdirectory("lodestar-bench-journeys-");
        try
        {
            progress?.WriteLine($"phase 1/4: engine: recording the {samples.Count} samples over {EngineCustomers:N0} shop customers, then replaying Decide");
            var engine = await Engine(samples, ct);
            progress?.WriteLine($"phase 2/4: persisted driver: {PersistedInstances:N0} instances (start, 1 s delay, send)");
            var persisted = await Persisted(Path.Combine(root.FullName, "steps"), ct);
            progress?.WriteLine($"phase 3/4: trigger → outbox latency over {TriggerEvents:N0} events");
            var latency = await Latency(Path.Combine(root.FullName, "latency"), ct);
            progress?.WriteLine($"phase 4/4: {waiting:N0} waiting instances and {DueInstances:N0} due ones");
            var held = await Waiting(Path.Combine(root.FullName, "waiting"), waiting, progress, ct);
            using var self = Process.GetCurrentProcess();
            return new JourneyBenchResult
            {
                EngineDecisionsPerSecond = Math.Round(engine.OneThread),
                EngineDecisionsPerSecondAllCores = Math.Round(engine.AllCores),
                EngineDecisionsRecorded = engine.Recorded,
                EngineJourneys = samples.Count,
                EngineCustomers = engine.Customers,
                PersistedStepsPerSecond = Math.Round(persisted.Steps / persisted.Seconds),
                PersistedInstances = PersistedInstances,
                PersistedSteps = persisted.Steps,
                PersistedDecisions = persisted.Decisions,
                PersistedSeconds = Math.Round(persisted.Seconds, 2),
                TriggerToSendP50Ms = Math.Round(latency.P50, 2),
                TriggerToSendP99Ms = Math.Round(latency.P99, 2),
                TriggerToSendMaxMs = Math.Round(latency.Max, 2),
                TriggerEvents = TriggerEvents,
                TriggerEventsPerSecond = Math.Round(latency.Rate),
                WaitingInstances = held.Waiting,
                WaitingCreatedPerSecond = Math.Round(held.CreatedPerSecond),
                DueInstances = held.Due,
                DueWokenSeconds = Math.Round(held.WokenSeconds, 3),
                DueQueryMs = Math.Round(held.QueryMs, 2),
                DatabaseMiB = Math.Round(held.DatabaseBytes / (double)(1 << 20), 1),
                WalMiB = Math.Round(held.WalBytes / (double)(1 << 20), 1),
                WorkingSetMiB = Math.Round(held.WorkingSet / (double)(1 << 20)),
                PeakWorkingSetMiB = Math.Round(self.PeakWorkingSet64 / (double)(1 << 20)),
                Machine = Machine(),
                Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            root.Delete(recursive: true);
        }
    }

    // ------------------------------------------------------------------------------------------------ 1. the engine

    private readonly record struct Recorded(JourneyDefinition Definition, JourneyState State, JourneyInput Input, DateTimeOffset Now, PolicyContext Context);

    /// <summary>
    /// Runs every sample in the simulator over the shop (its last 14 days of events), recording each Decide call's
    /// arguments; then replays only the calls, in order, as often as it takes to fill the timing.
    /// </summary>
    private static async Task<(double OneThread, double AllCores, long Recorded, int Customers)> Engine(IReadOnlyList<SampleJourney> samples, CancellationToken ct)
    {
        var population = await ShopPopulation.BuildAsync(EngineCustomers, seed: 1, EngineDays, ShopEnd, ct);
        var recorded = new List<Recorded>();
        foreach (var sample in samples)
        {
            var definition = sample.Definition;
            JourneySimulator.Run(definition, population.Customers, new SimulationOptions
            {
                Start = population.Start,
                End = population.End,
                Fold = population.Fold,
                Recorder = (state, input, now, context) => recorded.Add(new Recorded(definition, state, input, now, context)),
            });
        }
        var calls = recorded.ToArray();
        Replay(calls, TimeSpan.FromSeconds(0.5)); // JIT and caches
        var oneThread = Replay(calls, MinimumTiming);
        var cores = Environment.ProcessorCount;
        var rates = new double[cores];
        Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, i => rates[i] = Replay(calls, MinimumTiming));
        return (oneThread, rates.Sum(), calls.Length, population.Customers.Length);
    }

    /// <summary>Decide over the recorded calls, whole passes until <paramref name="minimum"/> has passed; decisions per second.</summary>
    private static double Replay(Recorded[] calls, TimeSpan minimum)
    {
        var watch = Stopwatch.StartNew();
        long decisions = 0;
        var steps = 0;
        do
        {
            foreach (var c in calls)
            {
                steps += JourneyEngine.Decide(c.Definition, c.State, c.Input, c.Now, c.Context).State.Steps;
            }
            decisions += calls.Length;
        }
        while (watch.Elapsed < minimum);
        GC.KeepAlive(steps);
        return decisions / watch.Elapsed.TotalSeconds;
    }

    // ------------------------------------------------------------------------------------------------ 2. persisted steps

    private static string Journey(string id, string trigger, string nodes) => $$"""
        {
          "id": "{{id}}", "version": 1, "name": "Bench {{id}}",
          "entry": { "type": "event", "event": { "names": ["{{trigger}}"] } },
          "businessKey": "properties.cartId", "reEntry": { "type": "distinctKey" },
          "maxDuration": "30d",
          {{nodes}}
        }
        """;

    private const string SendNode = """{ "id": "confirm", "type": "send", "channel": "push", "template": "cart-saved", "transactional": true }""";

    /// <summary>Start, a 1-second delay, a send: two persisted steps per instance (the start, the wake).</summary>
    private static readonly string StepsJourney = Journey("bench-steps", "bench_steps",
        $$"""
        "start": "pause",
        "nodes": [ { "id": "pause", "type": "delay", "duration": "1s", "next": "confirm" }, {{SendNode}} ]
        """);

    /// <summary>A send at once: the trigger-to-send path.</summary>
    private static readonly string NowJourney = Journey("bench-now", "bench_now", $$""" "start": "confirm", "nodes": [ {{SendNode}} ] """);

    /// <summary>A week's delay, then a send: what the waiting instances wait in.</summary>
    private static readonly string WaitJourney = Journey("bench-wait", "bench_wait",
        $$"""
        "start": "pause",
        "nodes": [ { "id": "pause", "type": "delay", "duration": "7d", "next": "confirm" }, {{SendNode}} ]
        """);

    private static RawEvent Cart(string name, string member, DateTimeOffset at) => new()
    {
        MessageId = $"{name}-{member}",
        Type = EventType.Track,
        Name = name,
        Source = "web",
        Ids = [new RawIdentifier(IdKind.Member, member)],
        Timestamp = at,
        Properties = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
            [KeyValuePair.Create("cartId", JsonSerializer.SerializeToElement("cart-" + member))]),
    };

    private static CustomerId CustomerOf(string member) => CustomerId.DerivedFrom("member:" + member);

    private static async Task<JourneyDefinition> Publish(StandaloneApp app, string json, CancellationToken ct)
    {
        var (parsed, _) = await app.Journeys.PublishAsync(json, ct);
        return parsed.IsValid ? parsed.Value! : throw new InvalidDataException(string.Join("; ", parsed.Errors.Select(e => $"{e.Pointer} {e.Message}")));
    }

    /// <summary>The driver and the outbox dispatcher, as <c>serve</c> runs them.</summary>
    private static Task Run(StandaloneApp app, CancellationToken stop) => Task.WhenAll(
        Task.Run(() => app.JourneyDriver.RunAsync(stop), CancellationToken.None),
        Task.Run(() => app.Outbox.RunAsync(stop), CancellationToken.None));

    private static async Task Until(Func<bool> done, string what, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"{what} did not finish within 10 minutes");
            }
            await Task.Delay(5, ct);
        }
    }

    /// <summary>
    /// The events are committed first, with the driver stopped; then the driver and the dispatcher start and the clock
    /// runs until every instance has had both its steps persisted (its start from the feed, its wake a second later).
    /// </summary>
    private static async Task<(long Steps, long Decisions, double Seconds)> Persisted(string data, CancellationToken ct)
    {
        await using var app = CommonOptions.Open(data);
        await Publish(app, StepsJourney, ct);
        await app.Store.FeedCursorAsync(ct); // the feed's end now: the events below are new to the driver
        var at = app.Time.GetUtcNow();
        foreach (var chunk in Enumerable.Range(0, PersistedInstances).Chunk(5_000))
        {
            await app.Ingest.IngestAsync([.. chunk.Select(i => app.Cleaner.Clean(Cart("bench_steps", $"S{i:D7}", at.AddMinutes(-1)), at))], ct);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watch = Stopwatch.StartNew();
        var running = Run(app, stop.Token);
        await Until(() => app.JourneyDriver.PersistedSteps >= 2L * PersistedInstances, "the persisted steps", ct);
        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await running;
        return (app.JourneyDriver.PersistedSteps, app.JourneyDriver.Decisions, seconds);
    }

    // ------------------------------------------------------------------------------------------------ 3. trigger → send

    /// <summary>
    /// Producers submit one event at a time to the ingest queue, as HTTP requests do, pausing 10 ms between events. An
    /// event counts as accepted when its commit returns; it counts as sent when the dispatcher reports its line flushed.
    /// </summary>
    private static async Task<(double P50, double P99, double Max, double Rate)> Latency(string data, CancellationToken ct)
    {
        await using var app = CommonOptions.Open(data);
        await Publish(app, NowJourney, ct);
        var accepted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        app.Outbox.Sent = lines =>
        {
            var t = Stopwatch.GetTimestamp();
            foreach (var line in lines)
            {
                sent.TryAdd(line.Customer, t);
            }
        };
        await app.Store.FeedCursorAsync(ct); // the feed's end now: the driver must not take the warm-up event for history
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = Run(app, stop.Token);
        // Warm-up outside the figures: the first event pays for JIT and the outbox file's creation.
        await app.Queue.AcceptAsync([app.Cleaner.Clean(Cart("bench_now", "warm", app.Time.GetUtcNow()), app.Time.GetUtcNow())], ct);
        await Until(() => sent.ContainsKey(CustomerOf("warm").Value), "the warm-up send", ct);
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, TriggerProducers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < TriggerEvents)
            {
                var member = $"T{i:D7}";
                var now = app.Time.GetUtcNow();
                await app.Queue.AcceptAsync([app.Cleaner.Clean(Cart("bench_now", member, now), now)], ct);
                accepted[CustomerOf(member).Value] = Stopwatch.GetTimestamp();
                await Task.Delay(10, ct);
            }
        }, ct)));
        var rate = TriggerEvents / watch.Elapsed.TotalSeconds;
        await Until(() => sent.Count >= TriggerEvents + 1, "the trigger sends", ct);
        await stop.CancelAsync();
        await running;
        var samples = accepted.Select(a => Math.Max(0, Stopwatch.GetElapsedTime(a.Value, sent[a.Key]).TotalMilliseconds)).Order().ToArray();
        return (Percentile(samples, 0.50), Percentile(samples, 0.99), samples[^1], rate);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];

    // ------------------------------------------------------------------------------------------------ 4. waiting instances

    /// <summary>
    /// Writes <paramref name="count"/> instances of the week-long journey through the store (their state as the engine
    /// left it after the start), and <see cref="DueInstances"/> more entered a week ago, so that they are due now (with
    /// profiles, which the wake reads); then starts the driver and times how long it takes to find and finish the due
    /// ones among the others, and counts the instances still waiting afterwards.
    /// </summary>
    private static async Task<(long Waiting, double CreatedPerSecond, int Due, double WokenSeconds, double QueryMs, long DatabaseBytes, long WalBytes, long WorkingSet)> Waiting(
        string data, int count, TextWriter? progress, CancellationToken ct)
    {
        await using var app = CommonOptions.Open(data);
        var definition = await Publish(app, WaitJourney, ct);
        const int due = DueInstances;
        var total = count + due;
        var now = app.Time.GetUtcNow();
        await app.Ingest.IngestAsync([.. Enumerable.Range(0, due).Select(i => app.Cleaner.Clean(Cart("bench_seen", $"D{i:D7}", now.AddMinutes(-1)), now))], ct);
        await app.Store.FeedCursorAsync(ct); // those events are history: they start nothing

        var context = new PolicyContext { Policy = ThrottlePolicy.Default };
        var watch = Stopwatch.StartNew();
        for (var from = 0; from < total; from += CreateBatch)
        {
            var batch = ImmutableArray.CreateBuilder<StoredInstance>(Math.Min(CreateBatch, total - from));
            for (var i = from; i < Math.Min(total, from + CreateBatch); i++)
            {
                var isDue = i >= count;
                var member = isDue ? $"D{i - count:D7}" : $"W{i:D7}";
                var customer = CustomerOf(member);
                var entered = isDue ? now - TimeSpan.FromDays(7) : now - TimeSpan.FromSeconds(i % 86_400);
                var key = "cart-" + member;
                var state = JourneyState.Create(definition, JourneyIds.Instance(definition.Id, customer, key), customer, key);
                var profile = ProfileFold.Start(customer, entered);
                batch.Add(JourneyStep.Run(definition, state, new Started(null, profile), entered, profile, context).Stored);
            }
            await app.Store.SaveAsync(new JourneyChanges(batch.MoveToImmutable(), [], []), ct);
            if (progress is not null && (from / CreateBatch) % 20 == 19)
            {
                progress.WriteLine($"  {from + CreateBatch:N0} written ({(from + CreateBatch) / watch.Elapsed.TotalSeconds:N0}/s)");
            }
        }
        var createdPerSecond = total / watch.Elapsed.TotalSeconds;

        var queries = new double[5];
        for (var q = 0; q < queries.Length; q++)
        {
            var started = Stopwatch.GetTimestamp();
            var found = await app.Store.DueAsync(app.Time.GetUtcNow(), JourneyDriver.BatchSize, ct);
            queries[q] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (found.Count != Math.Min(due, JourneyDriver.BatchSize))
            {
                throw new InvalidOperationException($"expected {Math.Min(due, JourneyDriver.BatchSize):N0} due instances, the store found {found.Count:N0}");
            }
        }
        Array.Sort(queries);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        watch.Restart();
        var running = Run(app, stop.Token);
        await Until(() => app.JourneyDriver.PersistedSteps >= due, "the due instances", ct);
        var woken = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await running;

        long waiting;
        await using (var c = new SqliteConnection($"Data Source={app.Store.Path};Mode=ReadOnly"))
        {
            await c.OpenAsync(ct);
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM journey_instances WHERE status = {(int)JourneyStatus.WaitingForTime}";
            waiting = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var bytes = new FileInfo(app.Store.Path).Length;
        var wal = new FileInfo(app.Store.Path + "-wal") is { Exists: true } w ? w.Length : 0;
        using var self = Process.GetCurrentProcess();
        return (waiting, createdPerSecond, due, woken, queries[queries.Length / 2], bytes, wal, self.WorkingSet64);
    }

    private static string Machine() => string.Create(CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
}
