using Lodestar.Api;
using Lodestar.Engagement;
using Lodestar.Functions.Journeys;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Messaging;
using Lodestar.Functions;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lodestar.Tests;

/// <summary>The app's service graph as Program.cs builds it, from configuration alone (nothing is sent or received).</summary>
public sealed class CompositionTests
{
    internal static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLodestar(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    internal static Dictionary<string, string?> Complete(string folder) => new()
    {
        ["EventHubName"] = "lodestar-events",
        ["EventHubConnection:fullyQualifiedNamespace"] = "lodestar.servicebus.windows.net",
        ["Lodestar:WriteKey"] = "wk_0123456789abcdef",
        ["Lodestar:MiniProgramSecret"] = "mp_0123456789abcdef",
        ["Lodestar:PiiKey"] = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        ["Lodestar:StorePath"] = Path.Combine(folder, "data", "functions.db"),
    };

    [Fact]
    public async Task CompleteSettings_ResolveEveryHandlerTheFunctionsNeed()
    {
        using var folder = new TempFolder();
        await using var provider = Build(Complete(folder.Path));

        Assert.NotNull(provider.GetRequiredService<IngestApi>());
        Assert.NotNull(provider.GetRequiredService<CustomerApi>());
        Assert.NotNull(provider.GetRequiredService<IngestEvents>());
        Assert.IsType<EventHubs.EventHubsSink>(provider.GetRequiredService<IEventSink>());
        Assert.Same(provider.GetRequiredService<IIngestStore>(), provider.GetRequiredService<IProfileStore>());
        Assert.True(File.Exists(Path.Combine(folder.Path, "data", "functions.db")));
    }

    [Fact]
    public async Task CosmosEndpoint_MakesCosmosTheCustomerStore_AndTheSqliteFileOptional()
    {
        using var folder = new TempFolder();
        var settings = Complete(folder.Path);
        settings.Remove("Lodestar:StorePath");
        settings["Cosmos:accountEndpoint"] = "https://lodestar.documents.azure.com:443/";
        settings["Cosmos:database"] = "lodestar";
        await using var provider = Build(settings);

        Assert.Empty(provider.GetRequiredService<IOptions<LodestarSettings>>().Value.Validate(requireStorePath: false));
        Assert.IsType<Cosmos.CosmosStore>(provider.GetRequiredService<IIngestStore>());
        Assert.Same(provider.GetRequiredService<IIngestStore>(), provider.GetRequiredService<IProfileStore>());
        Assert.Null(provider.GetService<Sqlite.SqliteStore>());
    }

    [Fact]
    public async Task MissingSecrets_FailValidation_NamingEachSetting()
    {
        using var folder = new TempFolder();
        var settings = Complete(folder.Path);
        settings.Remove("Lodestar:WriteKey");
        settings.Remove("Lodestar:PiiKey");
        settings.Remove("EventHubConnection:fullyQualifiedNamespace");
        await using var provider = Build(settings);

        var lodestar = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LodestarSettings>>().Value);
        var eventHubs = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EventHubs.EventHubsOptions>>().Value);

        Assert.Contains(lodestar.Failures, f => f.Contains("WriteKey", StringComparison.Ordinal));
        Assert.Contains(lodestar.Failures, f => f.Contains("PiiKey", StringComparison.Ordinal));
        Assert.Contains(eventHubs.Failures, f => f.Contains("FullyQualifiedNamespace", StringComparison.Ordinal));
    }

    private static readonly string AccessKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public async Task ChannelSettings_RegisterTheirAdapters_AndTheSendActivityUsesThem()
    {
        using var folder = new TempFolder();
        var settings = Complete(folder.Path);
        settings["Channels:Sms:Endpoint"] = "https://lodestar.communication.azure.com";
        settings["Channels:Sms:From"] = "+18005550100";
        settings["Channels:Push:ConnectionString"] = $"Endpoint=sb://lodestar.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={AccessKey}";
        settings["Channels:Push:HubName"] = "lodestar";
        await using var provider = Build(settings);

        Assert.Equal([Channel.Sms, Channel.Push], provider.GetServices<IChannelSender>().Select(s => s.Channel).Order());
        Assert.Equal([Channel.Sms, Channel.Push], provider.GetRequiredService<JourneyDelivery>().Channels.Order());
        Assert.NotNull(provider.GetRequiredService<MessageTemplates>().Catalog?.Find("cart-coupon-sms"));
    }

    [Fact]
    public async Task NoChannelSettings_EveryChannelStaysWithTheOutbox()
    {
        using var folder = new TempFolder();
        await using var provider = Build(Complete(folder.Path));

        Assert.Empty(provider.GetServices<IChannelSender>());
        Assert.Empty(provider.GetRequiredService<JourneyDelivery>().Channels);
    }

    [Fact]
    public void UnusableChannelSettings_StopTheAppAtStartUp_NamingEachSetting()
    {
        using var folder = new TempFolder();
        var settings = Complete(folder.Path);
        settings["Channels:Sms:Endpoint"] = "http://lodestar.communication.azure.com";
        settings["Channels:Sms:From"] = "+18005550100";
        settings["Channels:Push:ConnectionString"] = $"Endpoint=sb://lodestar.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={AccessKey}";

        var error = Assert.Throws<ChannelConfigurationException>(() => Build(settings));

        Assert.Contains(error.Problems, p => p.StartsWith("Channels:Sms:Endpoint", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Channels:Push:HubName", StringComparison.Ordinal));
    }

    [Fact]
    public void ChannelSettings_WithoutATemplateFolder_StopTheAppAtStartUp()
    {
        using var folder = new TempFolder();
        var settings = Complete(folder.Path);
        settings["Channels:Push:ConnectionString"] = $"Endpoint=sb://lodestar.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={AccessKey}";
        settings["Channels:Push:HubName"] = "lodestar";
        settings["Lodestar:Templates"] = Path.Combine(folder.Path, "missing");

        var error = Assert.Throws<ChannelConfigurationException>(() => Build(settings));

        Assert.Contains("Lodestar__Templates", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqliteStore_BacksTheFeedbackRoutes_TheDeliveryLedger_AndPublishing()
    {
        using var folder = new TempFolder();
        await using var provider = Build(Complete(folder.Path));

        Assert.IsType<Sqlite.SqliteStore>(provider.GetRequiredService<IDeliveryLedger>());
        Assert.NotNull(provider.GetService<EventGridApi>());
        Assert.NotNull(provider.GetService<UnsubscribeApi>());
        Assert.NotNull(provider.GetService<CampaignApi>());
        Assert.True(provider.GetRequiredService<JourneyCatalog>().CanPublish);
        Assert.IsType<InMemorySendLedger>(provider.GetRequiredService<ISendLedger>());
    }

    [Fact]
    public async Task CosmosStore_BacksTheSendLedger_TheDeliveryLedger_AndPublishing()
    {
        using var folder = new TempFolder();
        var settings = Complete(folder.Path);
        settings.Remove("Lodestar:StorePath");
        settings["Cosmos:accountEndpoint"] = "https://lodestar.documents.azure.com:443/";
        settings["Cosmos:database"] = "lodestar";
        await using var provider = Build(settings);

        Assert.IsType<Cosmos.CosmosSendLedger>(provider.GetRequiredService<ISendLedger>());
        Assert.IsType<Cosmos.CosmosStore>(provider.GetRequiredService<IDeliveryLedger>());
        Assert.IsType<CosmosJourneyDefinitionsSource>(provider.GetRequiredService<IJourneyDefinitions>());
        Assert.NotNull(provider.GetService<EventGridApi>());
        Assert.True(provider.GetRequiredService<JourneyCatalog>().CanPublish);
    }
}
