using System.Text.Json;
using Lodestar.Campaigns;
using Lodestar.Cosmos;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Ingestion;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Tests.Support;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lodestar.Tests.Store;

/// <summary>
/// What the contracts cannot see of the Cosmos documents behind the send ledger, the journey definitions and the delivery
/// ledger: the registration, where the unqueried bodies sit against the layout's indexing, and a record cut short
/// between its provider-id pointer and its send document.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosJourneyAndDeliveryDocumentsTests(CosmosServer server) : CosmosDatabaseTests(server)
{
    private static SentMessage Sent(int minutes) => new(Samples.T0.AddMinutes(minutes), Channel.Email, false, "abandoned-cart", "spring", null);

    private async Task<JsonElement> ReadRawAsync(string container, string id, string partition)
    {
        using var r = await Server.Client.GetDatabase(Database).GetContainer(container).ReadItemStreamAsync(id, new PartitionKey(partition), cancellationToken: Ct);
        r.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(r.Content, cancellationToken: Ct);
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task AddCosmosStore_ServesTheJourneyAndFeedbackPorts_FromTheBoundDatabase()
    {
        var database = await DatabaseAsync();
        var settings = Server.Options(database);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cosmos:accountEndpoint"] = settings.AccountEndpoint!.ToString(),
            ["Cosmos:database"] = database,
            ["Cosmos:localKey"] = settings.LocalKey,
            ["Cosmos:localCertificateSha256"] = settings.LocalCertificateSha256,
        }).Build();
        await using var services = new ServiceCollection().AddCosmosStore(configuration).BuildServiceProvider();
        var customer = CustomerId.DerivedFrom("member:M-di-ledger");

        var ledger = services.GetRequiredService<ISendLedger>();
        var appended = await ledger.TryAppendAsync(customer, 0, [new LedgerEntry("di-m1", Sent(0))], Ct);
        var published = await services.GetRequiredService<CosmosJourneyDefinitions>()
            .PublishAsync(new PublishedJourney("di-journey", 1, "DI", """{"id":"di-journey"}""", Samples.T0), Ct);

        Assert.True(appended);
        Assert.Equal(PublishOutcome.Published, published);
        Assert.IsType<CosmosSendLedger>(ledger);
        var store = services.GetRequiredService<IIngestStore>();
        Assert.Same(store, services.GetRequiredService<IDeliveryLedger>());
        Assert.Same(store, services.GetRequiredService<IFeedbackStore>());
        Assert.Same(store, services.GetRequiredService<ICampaignFacts>());
        // Written where a client of the same database reads it.
        Assert.Equal(1, (await new CosmosSendLedger(Server.Client, database).ReadAsync(customer, Ct)).Version);
    }

    [Fact]
    public async Task Documents_KeepTheirUnqueriedBodies_UnderPathsTheLayoutLeavesUnindexed()
    {
        var database = await DatabaseAsync();
        var customer = CustomerId.DerivedFrom("member:M-doc-ledger");
        await new CosmosSendLedger(Server.Client, database).TryAppendAsync(customer, 0, [new LedgerEntry("doc-m1", Sent(0)), new LedgerEntry("doc-m2", Sent(1))], Ct);
        var journey = new PublishedJourney("doc-journey", 3, "Doc", """{"id":"doc-journey","version":3}""", Samples.T0);
        await new CosmosJourneyDefinitions(Server.Client, database).PublishAsync(journey, Ct);

        var ledger = await ReadRawAsync(CosmosLayout.JourneyInstances, CosmosSendLedger.DocumentId, customer.Value);
        var definition = await ReadRawAsync(CosmosLayout.Journeys, "3", journey.Id);

        Assert.Equal(2, ledger.GetProperty("state").GetProperty("entries").GetArrayLength());
        Assert.Contains("/state/*", Layout(CosmosLayout.JourneyInstances).ExcludedPaths);
        Assert.Equal(journey.Json, definition.GetProperty("definition").GetString());
        Assert.Contains("/definition/*", Layout(CosmosLayout.Journeys).ExcludedPaths);
        // The deliveries container indexes only what its queries filter on, and its partition key.
        var deliveries = Layout(CosmosLayout.Deliveries);
        Assert.Equal("/messageId", deliveries.PartitionKey);
        Assert.Equal(["/*"], deliveries.ExcludedPaths);
    }

    private static ContainerLayout Layout(string name) => CosmosLayout.Containers.Single(c => c.Name == name);

    [Fact]
    public async Task RecordSends_CutShortAfterItsProviderPointer_IsFoundByBothIdsOnlyOnceReplayed()
    {
        var database = await DatabaseAsync();
        var store = new CosmosStore(Server.Client, database);
        var send = new SentMessageRecord("cut-m1", "acs-cut-1", CustomerId.DerivedFrom("member:M-cut"), Channel.Sms, "j", "cut", "n", Samples.T0);
        // What a process killed between the two writes leaves: the pointer in identities, no send document.
        var hash = Keys.ProviderMessage("acs-cut-1");
        using (var pointer = await Server.Client.GetDatabase(database).GetContainer(CosmosLayout.Identities).UpsertItemStreamAsync(
            new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { id = hash, idHash = hash, type = Keys.ProviderMessageType, messageId = send.MessageId })),
            new PartitionKey(hash), cancellationToken: Ct))
        {
            pointer.EnsureSuccessStatusCode();
        }

        var byProviderBefore = await store.FindSendAsync("acs-cut-1", Ct);
        var byOursBefore = await store.FindSendAsync("cut-m1", Ct);
        await store.RecordSendsAsync([send], Ct);

        Assert.Null(byProviderBefore);
        Assert.Null(byOursBefore);
        Assert.Equal(send, await store.FindSendAsync("acs-cut-1", Ct));
        Assert.Equal(send, await store.FindSendAsync("cut-m1", Ct));
    }
}
