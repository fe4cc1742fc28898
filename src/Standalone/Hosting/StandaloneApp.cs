using Lodestar.Api;
using Lodestar.Cleaning;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Sources;
using Lodestar.Journeys;
using Lodestar.Sqlite;
using Lodestar.Standalone.Journeys;
using Lodestar.Tags;

namespace Lodestar.Standalone.Hosting;

/// <summary>Options of the standalone host, from the command line and the environment.</summary>
public sealed record StandaloneOptions(string DataPath, string? WriteKey = null, bool SynchronousFull = false)
{
    /// <summary>The tenant's zone for local times without offset; China Standard Time by default.</summary>
    public TimeSpan TenantOffset { get; init; } = SourceContext.ChinaStandardTime;

    public const string WriteKeyVariable = "LODESTAR_WRITE_KEY";

    public static string? WriteKeyFromEnvironment() => Environment.GetEnvironmentVariable(WriteKeyVariable);
}

/// <summary>The composition root of the standalone host: the use cases wired to SQLite and the in-process queue.</summary>
public sealed class StandaloneApp : IAsyncDisposable
{
    public StandaloneApp(StandaloneOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        Data = new DataFolder(options.DataPath);
        (Secrets, SecretsCreated) = Data.LoadSecrets(options.WriteKey ?? StandaloneOptions.WriteKeyFromEnvironment());
        Store = SqliteStore.Open(Data.StorePath, options.SynchronousFull);
        Pii = new PiiProtector(Convert.FromBase64String(Secrets.PiiKey));
        Cleaner = new Cleaner(Pii, CleaningOptions.Default);
        Ingest = new IngestEvents(Store, TagRuleSet.Default, Time);
        Journeys = new JourneyCatalog(Store, Time);
        JourneyDriver = new JourneyDriver(Store, Store, Journeys, Time, ThrottlePolicy.Default, loggerFactory.CreateLogger<JourneyDriver>());
        Outbox = new OutboxDispatcher(Store, Store, Path.Combine(Data.Root, "outbox"), Time, loggerFactory.CreateLogger<OutboxDispatcher>())
        {
            Delivery = ChannelDelivery.FromConfiguration(new ConfigurationBuilder().AddEnvironmentVariables().Build(), loggerFactory, Pii),
            Ledger = Store,
        };
        JourneyDriver.OutboxWritten = Outbox.Nudge;
        Queue = new IngestQueue(Ingest, loggerFactory.CreateLogger<IngestQueue>(), accepted: JourneyDriver.Nudge);
        var apiSecrets = new ApiSecrets(Secrets.WriteKey, Secrets.MiniProgramSecret);
        IngestApi = new IngestApi(Queue, Cleaner, apiSecrets, Time, options.TenantOffset);
        CustomerApi = new CustomerApi(Store, Pii, apiSecrets);
        Tags = new RefreshTags(Store, TagRuleSet.Default, Time);
        JourneyApi = new JourneyApi(Journeys, Store, Secrets.WriteKey);
    }

    public TimeProvider Time { get; }
    public DataFolder Data { get; }
    public Secrets Secrets { get; }
    public bool SecretsCreated { get; }
    public SqliteStore Store { get; }
    public PiiProtector Pii { get; }
    public Cleaner Cleaner { get; }
    public IngestEvents Ingest { get; }
    public IngestQueue Queue { get; }
    public IngestApi IngestApi { get; }
    public CustomerApi CustomerApi { get; }
    public RefreshTags Tags { get; }
    public JourneyCatalog Journeys { get; }
    /// <summary>The persisted journey driver; it runs only where a host starts it (<see cref="JourneyService"/> under serve).</summary>
    public JourneyDriver JourneyDriver { get; }
    public OutboxDispatcher Outbox { get; }
    public JourneyApi JourneyApi { get; }

    public async ValueTask DisposeAsync()
    {
        await Queue.DisposeAsync();
        Store.Dispose();
    }
}
