using Lodestar.Campaigns;
using Lodestar.Engagement;
using Lodestar.Ingestion;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lodestar.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>
    /// The Cosmos DB customer store: binds and validates section <c>Cosmos</c> at start-up (<c>Cosmos__accountEndpoint</c>,
    /// <c>Cosmos__database</c>), one <see cref="CosmosClient"/> on the managed identity, <see cref="CosmosStore"/> as
    /// <see cref="IIngestStore"/>, <see cref="IProfileStore"/>, the delivery ledger and feedback ports
    /// (<see cref="IDeliveryLedger"/>, <see cref="IFeedbackStore"/>, <see cref="ICampaignFacts"/>), <see cref="DeadLetters"/>,
    /// the journeys' shared send ledger (<see cref="ISendLedger"/> as <see cref="CosmosSendLedger"/>) and the published
    /// definitions (<see cref="CosmosJourneyDefinitions"/>).
    /// </summary>
    public static IServiceCollection AddCosmosStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection(CosmosOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CosmosOptions>, CosmosOptionsValidator>();
        services.AddSingleton(sp => CosmosClients.Create(sp.GetRequiredService<IOptions<CosmosOptions>>().Value));
        services.AddSingleton(sp => new CosmosStore(sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<IOptions<CosmosOptions>>().Value.Database, sp.GetService<ILogger<CosmosStore>>()));
        services.AddSingleton<IIngestStore>(sp => sp.GetRequiredService<CosmosStore>());
        services.AddSingleton<IProfileStore>(sp => sp.GetRequiredService<CosmosStore>());
        services.AddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<CosmosStore>());
        services.AddSingleton<IFeedbackStore>(sp => sp.GetRequiredService<CosmosStore>());
        services.AddSingleton<ICampaignFacts>(sp => sp.GetRequiredService<CosmosStore>());
        services.AddSingleton<ISendLedger>(sp => new CosmosSendLedger(sp.GetRequiredService<CosmosClient>(), Database(sp),
            sp.GetService<ILogger<CosmosSendLedger>>()));
        services.AddSingleton(sp => new CosmosJourneyDefinitions(sp.GetRequiredService<CosmosClient>(), Database(sp),
            sp.GetService<ILogger<CosmosJourneyDefinitions>>()));
        services.AddSingleton(sp => new DeadLetters(sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<IOptions<CosmosOptions>>().Value.Database, sp.GetService<ILogger<DeadLetters>>()));
        return services;
    }

    private static string Database(IServiceProvider sp) => sp.GetRequiredService<IOptions<CosmosOptions>>().Value.Database;
}
