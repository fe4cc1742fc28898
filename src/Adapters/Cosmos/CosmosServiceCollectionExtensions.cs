using Lodestar.Ingestion;
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
    /// <see cref="IIngestStore"/> and <see cref="IProfileStore"/>, and <see cref="DeadLetters"/>.
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
        services.AddSingleton(sp => new DeadLetters(sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<IOptions<CosmosOptions>>().Value.Database, sp.GetService<ILogger<DeadLetters>>()));
        return services;
    }
}
