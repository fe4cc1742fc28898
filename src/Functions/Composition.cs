using Azure.Messaging.EventHubs.Producer;
using Lodestar.Api;
using Lodestar.Cleaning;
using Lodestar.Cosmos;
using Lodestar.EventHubs;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Sqlite;
using Lodestar.Tags;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lodestar.Functions;

/// <summary>The app's services: settings validated at start-up, the use cases, and the adapters behind their ports.</summary>
public static class Composition
{
    /// <summary>The trigger's settings, shared by the producer: <c>%EventHubName%</c> and the <c>EventHubConnection</c> prefix.</summary>
    public const string EventHubNameSetting = "EventHubName";
    public const string EventHubConnectionSetting = "EventHubConnection";

    /// <summary>The trigger's consumer group (<c>$Default</c> locally; the deployment creates its own).</summary>
    public const string EventHubConsumerGroupSetting = "EventHubConsumerGroup";

    /// <summary>
    /// The customer store is Cosmos DB when <c>Cosmos__accountEndpoint</c> is set (Azure), else the SQLite file named by
    /// <c>Lodestar__StorePath</c> (a trial on one instance, or local development without the Cosmos stand-in).
    /// </summary>
    public static IServiceCollection AddLodestar(this IServiceCollection services, IConfiguration configuration)
    {
        var cosmos = !string.IsNullOrWhiteSpace(configuration.GetSection(CosmosOptions.Section)["accountEndpoint"]);
        services.AddOptions<LodestarSettings>().BindConfiguration(LodestarSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LodestarSettings>>(new OptionsValidation<LodestarSettings>(s => s.Validate(requireStorePath: !cosmos)));
        services.AddOptions<EventHubsOptions>().Configure<IConfiguration>(BindEventHubs).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventHubsOptions>>(new OptionsValidation<EventHubsOptions>(o => o.Validate()));

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new PiiProtector(Settings(sp).PiiKeyBytes()));
        services.AddSingleton(sp => new Cleaner(sp.GetRequiredService<PiiProtector>(), CleaningOptions.Default));
        services.AddSingleton(sp => new ApiSecrets(Settings(sp).WriteKey!, Settings(sp).MiniProgramSecret!));

        if (cosmos)
        {
            services.AddCosmosStore(configuration);
        }
        else
        {
            services.AddSingleton(sp => OpenStore(Settings(sp).StorePath!));
            services.AddSingleton<IIngestStore>(sp => sp.GetRequiredService<SqliteStore>());
            services.AddSingleton<IProfileStore>(sp => sp.GetRequiredService<SqliteStore>());
        }
        services.AddSingleton(sp => new IngestEvents(sp.GetRequiredService<IIngestStore>(), TagRuleSet.Default, sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<EventHubsOptions>>().Value.CreateProducer());
        services.AddSingleton<IEventSink>(sp => new EventHubsSink(
            sp.GetRequiredService<EventHubProducerClient>(), sp.GetRequiredService<IOptions<EventHubsOptions>>().Value.MaxConcurrentSends));
        services.AddSingleton(sp => new IngestApi(sp.GetRequiredService<IEventSink>(), sp.GetRequiredService<Cleaner>(),
            sp.GetRequiredService<ApiSecrets>(), sp.GetRequiredService<TimeProvider>(), Settings(sp).TenantOffsetValue()));
        services.AddSingleton(sp => new CustomerApi(sp.GetRequiredService<IProfileStore>(), sp.GetRequiredService<PiiProtector>(),
            sp.GetRequiredService<ApiSecrets>()));
        services.AddScheduledRuns();

        // Journeys (docs/adr/0004): the send ledger every instance of a customer shares is the Cosmos DB store's; without
        // Cosmos DB it is process-local (one instance only, like the SQLite file).
        services.TryAddSingleton<Lodestar.Journeys.Driving.ISendLedger, Journeys.InMemorySendLedger>();
        services.AddJourneys(configuration, cosmos ? typeof(CosmosStore) : typeof(SqliteStore));
        return services;
    }

    /// <summary>
    /// Reads the producer's settings from the names the trigger uses, so one set of app settings serves both:
    /// <c>EventHubConnection__fullyQualifiedNamespace</c> (+ <c>__credential</c>, <c>__clientId</c>) in Azure, or a plain
    /// <c>EventHubConnection</c> connection string for the local emulator.
    /// </summary>
    public static void BindEventHubs(EventHubsOptions options, IConfiguration configuration)
    {
        options.EventHubName = configuration[EventHubNameSetting];
        var connection = configuration.GetSection(EventHubConnectionSetting);
        if (!string.IsNullOrWhiteSpace(connection.Value))
        {
            options.ConnectionString = connection.Value;
        }
        options.FullyQualifiedNamespace = connection["fullyQualifiedNamespace"];
        options.Credential = connection["credential"];
        options.ClientId = connection["clientId"];
        if (int.TryParse(configuration["Lodestar:MaxConcurrentSends"], out var sends))
        {
            options.MaxConcurrentSends = sends;
        }
    }

    private static LodestarSettings Settings(IServiceProvider sp) => sp.GetRequiredService<IOptions<LodestarSettings>>().Value;

    private static SqliteStore OpenStore(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return SqliteStore.Open(full);
    }
}
