using Lodestar.Api;
using Lodestar.Campaigns;
using Lodestar.Cleaning;
using Lodestar.Cosmos;
using Lodestar.Engagement;
using Lodestar.Functions.Journeys;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Journeys.Driving;
using Lodestar.Messaging;
using Lodestar.Profiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lodestar.Functions;

/// <summary>
/// The journey side of the app: the catalog, the channel delivery of the Send activity, the journey routes, and the
/// feedback webhooks. The delivery ledger and feedback store (delivery reports, unsubscribe links, campaign metrics) and
/// the published journey definitions come from the customer store (Cosmos DB or SQLite: both keep them all); a store
/// without one of these ports leaves its routes answering 501.
/// </summary>
public static class JourneyComposition
{
    /// <summary>Folder of journey definitions deployed with the app (<c>Lodestar__JourneysPath</c>).</summary>
    public const string JourneysPathSetting = "Lodestar:JourneysPath";

    /// <summary>
    /// Registers the journey services over the customer store registered as <paramref name="storeType"/>. Every
    /// <c>Channels__*</c> setting is checked here, at start-up: a configured channel with unusable settings, or without a
    /// template folder to render from, stops the app with every problem named.
    /// </summary>
    public static IServiceCollection AddJourneys(this IServiceCollection services, IConfiguration configuration, Type storeType)
    {
        Expose<IDeliveryLedger>(services, storeType);
        Expose<IFeedbackStore>(services, storeType);
        Expose<ICampaignFacts>(services, storeType);

        var templates = new MessageTemplates(MessageTemplates.Locate(configuration[MessageTemplates.Setting]));
        services.AddSingleton(templates);
        if (ChannelServiceCollectionExtensions.ConfiguredChannels(configuration).Count > 0)
        {
            if (!Directory.Exists(templates.Folder))
            {
                throw new ChannelConfigurationException([$"Channels are configured but the template folder {templates.Folder} does not exist: set Lodestar__Templates."]);
            }
            services.AddChannelSenders(configuration);
        }
        services.AddSingleton<IJourneyOutbox, InMemoryJourneyOutbox>();
        services.AddSingleton(sp => new JourneyDelivery(sp.GetServices<IChannelSender>().ToDictionary(s => s.Channel), templates,
            sp.GetRequiredService<IJourneyOutbox>(), sp.GetRequiredService<IProfileStore>(), sp.GetService<IDeliveryLedger>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<PiiProtector>()));
        if (typeof(IJourneyStore).IsAssignableFrom(storeType))
        {
            services.TryAddSingleton<IJourneyDefinitions>(sp => new StoreJourneyDefinitions((IJourneyStore)sp.GetRequiredService(storeType)));
        }
        else if (Has<CosmosJourneyDefinitions>(services))
        {
            services.TryAddSingleton<IJourneyDefinitions>(sp => new CosmosJourneyDefinitionsSource(sp.GetRequiredService<CosmosJourneyDefinitions>()));
        }
        services.AddSingleton(sp => new JourneyCatalog(JourneyCatalog.ReadDirectory(configuration[JourneysPathSetting]), sp.GetService<IJourneyDefinitions>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<JourneyTriggers>();
        services.AddSingleton(sp => new JourneyApi(sp.GetRequiredService<JourneyCatalog>(), sp.GetRequiredService<ApiSecrets>(), templates));

        if (Has<IDeliveryLedger>(services) && Has<IFeedbackStore>(services))
        {
            // Reports go to Event Hubs like every other event: the trigger lands them on the profile and wakes waiting journeys.
            services.AddSingleton(sp => new RecordFeedback(sp.GetRequiredService<IDeliveryLedger>(), sp.GetRequiredService<IFeedbackStore>(),
                sp.GetRequiredService<IEventSink>(), sp.GetRequiredService<Cleaner>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new EventGridApi(sp.GetRequiredService<RecordFeedback>(), sp.GetRequiredService<ApiSecrets>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new UnsubscribeApi(sp.GetRequiredService<RecordFeedback>(),
                new UnsubscribeTokens(UnsubscribeTokens.DeriveKey(sp.GetRequiredService<IOptions<LodestarSettings>>().Value.PiiKeyBytes())),
                sp.GetRequiredService<TimeProvider>()));
        }
        if (Has<ICampaignFacts>(services))
        {
            services.AddSingleton(sp => new CampaignApi(new CampaignReport(sp.GetRequiredService<ICampaignFacts>()), sp.GetRequiredService<ApiSecrets>()));
        }
        return services;
    }

    /// <summary>Makes the store registered as <paramref name="storeType"/> the <typeparamref name="TPort"/> too, when it implements it.</summary>
    private static void Expose<TPort>(IServiceCollection services, Type storeType) where TPort : class
    {
        if (typeof(TPort).IsAssignableFrom(storeType))
        {
            services.TryAddSingleton(sp => (TPort)sp.GetRequiredService(storeType));
        }
    }

    private static bool Has<T>(IServiceCollection services) => services.Any(d => d.ServiceType == typeof(T));
}
