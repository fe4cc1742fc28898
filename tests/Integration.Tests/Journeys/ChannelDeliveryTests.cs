using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lodestar.Content;
using Lodestar.Customers;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Profiles;
using Lodestar.Sqlite;
using Lodestar.Standalone.Journeys;
using Lodestar.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Tests.Journeys;

/// <summary>
/// The configuration switch to a real channel adapter: an outbox row goes through the mini-program adapter to a local
/// server speaking the subscribe-message API, its line records the provider's receipt, and the delivery ledger can turn
/// the provider's message id back into the customer and campaign (what delivery reports need).
/// </summary>
public sealed class ChannelDeliveryTests
{
    private static readonly CustomerId Customer = CustomerId.DerivedFrom("member:M-cd-1");
    private const string OpenId = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M";

    [Fact]
    public async Task Dispatcher_WithTheMiniProgramAdapterConfigured_SendsToTheProviderAndLedgersItsMessageId()
    {
        var ct = TestContext.Current.CancellationToken;
        var sends = new ConcurrentQueue<JsonNode>();
        await using var fake = await StartFakeAsync(sends);
        using var folder = new TempFolder("lodestar-delivery-");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:MiniProgram:AppId"] = "wx-test-app",
            ["Channels:MiniProgram:AppSecret"] = "secret-0123456789abcdef",
            ["Channels:MiniProgram:BaseUrl"] = fake.Urls.Single(),
            ["Lodestar:Templates"] = TemplateCatalog.Locate(AppContext.BaseDirectory),
        }).Build();
        using (var store = SqliteStore.Open(Path.Combine(folder.Path, "lodestar.db")))
        {
            await store.SaveAsync([new Profile { Id = Customer, FirstSeen = Samples.T0, LastSeen = Samples.T0, Identities = [new IdentityView(IdKind.OpenId, OpenId)] }], ct);
            var message = new OutboxMessage(JourneyIds.IdempotencyKey("ji_cd", "remind", 1), JourneyIds.Message("ji_cd", "remind", 1), "ji_cd", Customer,
                Channel.MiniProgram, "cart-reminder-miniprogram", "CART-10", false, "abandoned-cart", "abandoned-cart", "remind", Samples.T0, Samples.T0);
            var state = new JourneyState { JourneyId = "abandoned-cart", Version = 1, InstanceId = "ji_cd", Customer = Customer, Status = JourneyStatus.Completed, EnteredAt = Samples.T0 };
            await store.SaveAsync(new JourneyChanges([new StoredInstance(state, null, null)], [], [message]), ct);

            var dispatcher = new OutboxDispatcher(store, store, Path.Combine(folder.Path, "outbox"), new FixedTimeProvider(Samples.Now), NullLogger<OutboxDispatcher>.Instance)
            {
                Delivery = ChannelDelivery.FromConfiguration(configuration, NullLoggerFactory.Instance),
                Ledger = store,
            };
            using var stop = new CancellationTokenSource();
            var run = dispatcher.RunAsync(stop.Token);
            for (var i = 0; i < 250 && (await store.UnsentAsync(Samples.Now, 10, ct)).Count > 0; i++)
            {
                await Task.Delay(20, ct);
            }
            await stop.CancelAsync();
            await run;

            var sent = Assert.Single(sends);
            Assert.Equal(OpenId, sent["touser"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(sent["template_id"]!.GetValue<string>()));
            Assert.NotEmpty(sent["data"]!.AsObject());
            var line = JsonNode.Parse(Assert.Single(File.ReadAllLines(OutboxDispatcher.FileFor(Path.Combine(folder.Path, "outbox"), Channel.MiniProgram))))!;
            Assert.Equal("accepted", line["status"]!.GetValue<string>());
            Assert.Equal("7001", line["providerMessageId"]!.GetValue<string>());
            var record = await store.FindSendAsync("7001", ct);
            Assert.Equal((Customer, "abandoned-cart", "remind"), (record!.Customer, record.Campaign, record.Node));
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>The subscribe-message API as documented: a stable access token, then sends naming it in the query.</summary>
    private static async Task<WebApplication> StartFakeAsync(ConcurrentQueue<JsonNode> sends)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        web.MapPost("/cgi-bin/stable_token", async (HttpRequest r) =>
        {
            var body = await JsonNode.ParseAsync(r.Body);
            return body?["grant_type"]?.GetValue<string>() == "client_credential" && body["appid"]?.GetValue<string>() == "wx-test-app"
                ? Results.Json(new { access_token = "TOKEN-1", expires_in = 7200 })
                : Results.Json(new { errcode = 40125, errmsg = "invalid appsecret" });
        });
        web.MapPost("/cgi-bin/message/subscribe/send", async (HttpRequest r) =>
        {
            if (r.Query["access_token"] != "TOKEN-1")
            {
                return Results.Json(new { errcode = 40001, errmsg = "invalid credential" });
            }
            sends.Enqueue((await JsonNode.ParseAsync(r.Body))!);
            return Results.Json(new { errcode = 0, errmsg = "ok", msgid = 7001 });
        });
        await web.StartAsync();
        return web;
    }
}
