using System.Text;
using System.Text.Json;
using Lodestar.Cosmos;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Profiles;
using Lodestar.Tests.Support;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lodestar.Tests.Store;

/// <summary>The Cosmos adapter around the store: settings, registration, the pinned stand-in certificate, dead letters, erasure of quarantined records.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosAdapterTests(CosmosServer server) : CosmosDatabaseTests(server)
{
    private static ValidateOptionsResult Validate(CosmosOptions options) => new CosmosOptionsValidator().Validate(null, options);

    [Fact]
    public void Options_KeyForAnAzureEndpoint_AreRefused()
    {
        var result = Validate(new CosmosOptions
        {
            AccountEndpoint = new Uri("https://cosmos-lodestar.documents.azure.com:443/"),
            LocalKey = "a2V5",
            LocalCertificateSha256 = new string('a', 64),
        });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("loopback", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_KeyWithoutAPinnedCertificate_AreRefused()
    {
        var result = Validate(new CosmosOptions { AccountEndpoint = new Uri("https://127.0.0.1:8081/"), LocalKey = "a2V5" });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("LocalCertificateSha256", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_ManagedIdentityEndpointOnly_AreAccepted()
    {
        Assert.True(Validate(new CosmosOptions { AccountEndpoint = new Uri("https://cosmos-lodestar.documents.azure.com:443/") }).Succeeded);
    }

    [Fact]
    public void AddCosmosStore_WithoutAnEndpoint_FailsWhenOptionsAreRead()
    {
        using var services = new ServiceCollection().AddCosmosStore(new ConfigurationBuilder().Build()).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CosmosOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.Contains("AccountEndpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddCosmosStore_BoundFromEnvironmentStyleKeys_ServesBothPortsFromOneStore()
    {
        var database = await DatabaseAsync();
        var settings = Server.Options(database);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // What Cosmos__accountEndpoint and friends become in IConfiguration.
            ["Cosmos:accountEndpoint"] = settings.AccountEndpoint!.ToString(),
            ["Cosmos:database"] = database,
            ["Cosmos:localKey"] = settings.LocalKey,
            ["Cosmos:localCertificateSha256"] = settings.LocalCertificateSha256,
        }).Build();
        await using var services = new ServiceCollection().AddCosmosStore(configuration).BuildServiceProvider();

        var ingest = services.GetRequiredService<IIngestStore>();
        var profiles = services.GetRequiredService<IProfileStore>();
        var member = Samples.Pii.Protect(IdKind.Member, "M-di");
        var id = Lodestar.Customers.CustomerId.DerivedFrom(member.GraphKey);
        await ingest.CommitAsync(new IngestChanges([], [], [(member.GraphKey, id, member)], [], [ProfileFold.Start(id, Samples.T0)], []), Ct);

        Assert.Same(ingest, profiles);
        Assert.Equal(id, await profiles.FindAsync(member.GraphKey, Ct));
    }

    [Fact]
    public async Task Client_PinnedToAnotherCertificate_RefusesTheStandIn()
    {
        Server.SkipIfUnavailable();
        var options = Server.Options("any");
        options.LocalCertificateSha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("another certificate"u8));
        using var client = CosmosClients.Create(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));

        var refused = await Record.ExceptionAsync(() => client.ReadAccountAsync());

        Assert.NotNull(refused);
        Assert.Contains("SSL", refused.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task DeadLetters_ThePoisonEventTwice_KeepOneDocumentWithoutTheBody()
    {
        var database = await DatabaseAsync();
        var letters = new DeadLetters(Server.Client, database);
        var body = Encoding.UTF8.GetBytes("""{"phone":"+8613957215670","broken":""");
        var poison = PoisonEvent.Of("eventhub", "unreadable_json", "ends inside a string", body, Samples.Now, partition: "3", sequenceNumber: 42);

        await letters.WriteAsync(poison, Ct);
        await letters.WriteAsync(poison, Ct);

        var docs = await AllDeadLetters(database);
        var doc = Assert.Single(docs);
        Assert.Equal(("eventhub", "unreadable_json", body.Length), (doc.GetProperty("source").GetString(), doc.GetProperty("reason").GetString(), doc.GetProperty("bodyBytes").GetInt32()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)), doc.GetProperty("bodySha256").GetString());
        Assert.DoesNotContain("13957215670", doc.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erase_ACustomer_RemovesTheQuarantinedRecordsHoldingItsIdentifiers()
    {
        var database = await DatabaseAsync();
        var store = new CosmosStore(Server.Client, database);
        var member = Samples.Pii.Protect(IdKind.Member, "M-q");
        var other = Samples.Pii.Protect(IdKind.Member, "M-q-other");
        var id = Lodestar.Customers.CustomerId.DerivedFrom(member.GraphKey);
        await store.CommitAsync(new IngestChanges([], [], [(member.GraphKey, id, member)], [], [ProfileFold.Start(id, Samples.T0)], []), Ct);
        QuarantineEntry Quarantined(string messageId, Identifier who) => new(messageId, -1, "pos", ["fake_phone"], "placeholder",
            JsonSerializer.Serialize(new Lodestar.Events.CustomerEvent { MessageId = messageId, Type = Lodestar.Events.EventType.Order, Source = "pos", Ids = [who], Timestamp = Samples.T0 }, DomainJson.Options),
            Samples.Now);
        await store.CommitAsync(new IngestChanges([], [Quarantined("q-mine", member), Quarantined("q-other", other)], [], [], [], []), Ct);
        Assert.Equal(2, (await AllDeadLetters(database)).Count);

        Assert.True(await store.EraseAsync(id, Ct));

        var left = Assert.Single(await AllDeadLetters(database));
        Assert.Equal("q-other", left.GetProperty("messageId").GetString());
    }

    private async Task<List<JsonElement>> AllDeadLetters(string database)
    {
        using var feed = Server.Client.GetDatabase(database).GetContainer(CosmosLayout.DeadLetters).GetItemQueryStreamIterator("SELECT * FROM c");
        var docs = new List<JsonElement>();
        while (feed.HasMoreResults)
        {
            using var page = await feed.ReadNextAsync(Ct);
            page.EnsureSuccessStatusCode();
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: Ct);
            docs.AddRange(json.RootElement.GetProperty("Documents").EnumerateArray().Select(d => d.Clone()));
        }
        return docs;
    }
}
