using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Lodestar.Cleaning;
using Lodestar.Content;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Journeys;
using Lodestar.Sqlite;
using Lodestar.Standalone.Journeys;
using Lodestar.Tags;
using Lodestar.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lodestar.Tests.Journeys;

/// <summary>
/// The contact vault end to end (docs/adr/0007): an identify carrying an email, then a journey whose send node emails the
/// customer through the ACS email adapter, against a local server speaking the documented <c>emails:send</c> API with its
/// HMAC signature. The address the customer gave reaches the request; the outbox line shows it masked, and neither the
/// address nor its sealed form is written there.
/// </summary>
public sealed class EmailDeliveryTests
{
    private const string Member = "M-vault-1";
    private const string GivenEmail = " Wang.Fang.77@Corp-Mail.cn ";
    private static readonly string NormalisedEmail = GivenEmail.Trim().ToLowerInvariant();
    private static readonly CustomerId Customer = CustomerId.DerivedFrom("member:" + Member);
    private static readonly byte[] HostPiiKey = Encoding.UTF8.GetBytes("lodestar-email-delivery-tests-pii-key-0123456789");

    private const string Journey = """
        {
          "id": "vault-welcome", "version": 1, "name": "vault-welcome",
          "entry": { "type": "api" },
          "reEntry": { "type": "never" },
          "start": "mail",
          "nodes": [ { "id": "mail", "type": "send", "channel": "email", "template": "welcome-email", "transactional": true } ]
        }
        """;

    [Fact]
    public async Task JourneySend_OnEmailWithTheAcsAdapter_AddressesTheRequestToTheEmailTheCustomerGave()
    {
        var ct = TestContext.Current.CancellationToken;
        var pii = new PiiProtector(HostPiiKey);
        await using var fake = await AcsEmail.StartAsync();
        var run = await RunJourneyAsync(pii, pii, fake, ct);

        var send = Assert.Single(fake.Sends);
        Assert.Empty(fake.Violations);
        Assert.Equal(NormalisedEmail, send["recipients"]!["to"]![0]!["address"]!.GetValue<string>());
        Assert.Equal("DoNotReply@lodestar.test", send["senderAddress"]!.GetValue<string>());
        var line = JsonNode.Parse(Assert.Single(run.OutboxLines))!;
        Assert.Equal("accepted", line["status"]!.GetValue<string>());
        Assert.Equal("email:" + PiiProtector.Mask(IdKind.Email, NormalisedEmail), line["recipient"]!.GetValue<string>());
        var sealedText = pii.Protect(IdKind.Email, NormalisedEmail).Sealed!;
        Assert.Contains(sealedText, run.StoredProfile, StringComparison.Ordinal); // the vault holds it ...
        Assert.All(run.OutboxLines, l =>
        {
            Assert.DoesNotContain(NormalisedEmail, l, StringComparison.OrdinalIgnoreCase); // ... the outbox never does
            Assert.DoesNotContain(sealedText, l, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task JourneySend_WhenTheHostKeyChanged_SendsNothingAndSaysTheAddressDoesNotUnseal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await AcsEmail.StartAsync();
        var other = new PiiProtector(Encoding.UTF8.GetBytes("a-different-pii-key-after-a-botched-restore-0000"));
        var run = await RunJourneyAsync(new PiiProtector(HostPiiKey), other, fake, ct);

        Assert.Empty(fake.Sends);
        var line = JsonNode.Parse(Assert.Single(run.OutboxLines))!;
        Assert.Equal("invalidAddress", line["status"]!.GetValue<string>(), ignoreCase: true);
        Assert.Contains("does not unseal", line.ToJsonString(), StringComparison.Ordinal);
    }

    private sealed record JourneyRun(IReadOnlyList<string> OutboxLines, string StoredProfile);

    /// <summary>
    /// Ingests the identify (email in the traits) with <paramref name="ingestPii"/>, runs the persisted driver and the outbox
    /// dispatcher with the email adapter unsealing with <paramref name="sendPii"/>, enters the customer into the journey
    /// (API entry, as <c>POST /api/journeys/{id}/entries</c> does) and waits until the outbox row is handled.
    /// </summary>
    private static async Task<JourneyRun> RunJourneyAsync(PiiProtector ingestPii, PiiProtector sendPii, AcsEmail fake, CancellationToken ct)
    {
        using var folder = new TempFolder("lodestar-email-delivery-");
        var clock = new FixedTimeProvider(Samples.Now);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Email:ConnectionString"] = $"endpoint={fake.BaseUrl};accesskey={fake.AccessKey}",
            ["Channels:Email:Sender"] = "DoNotReply@lodestar.test",
            ["Channels:Email:PollInterval"] = "00:00:00.050",
            ["Lodestar:Templates"] = TemplateCatalog.Locate(AppContext.BaseDirectory),
        }).Build();
        var outboxFolder = Path.Combine(folder.Path, "outbox");
        try
        {
            using var store = SqliteStore.Open(Path.Combine(folder.Path, "lodestar.db"));
            var catalog = new JourneyCatalog(store, clock);
            var (published, _) = await catalog.PublishAsync(Journey, ct);
            Assert.True(published.IsValid, string.Join("; ", published.Errors.Select(e => $"{e.Pointer} {e.Message}")));

            var cleaner = new Cleaner(ingestPii, CleaningOptions.Default);
            var identify = new RawEvent
            {
                MessageId = "vault-1", Type = EventType.Identify, Source = "web", Ids = [new RawIdentifier(IdKind.Member, Member)],
                Traits = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("email", GivenEmail)]),
                Timestamp = Samples.T0,
            };
            await new IngestEvents(store, TagRuleSet.Default, clock).IngestAsync([cleaner.Clean(identify, Samples.Now)], ct);

            var driver = new JourneyDriver(store, store, catalog, clock, ThrottlePolicy.Default, NullLogger<JourneyDriver>.Instance);
            var dispatcher = new OutboxDispatcher(store, store, outboxFolder, clock, NullLogger<OutboxDispatcher>.Instance)
            {
                Delivery = ChannelDelivery.FromConfiguration(configuration, NullLoggerFactory.Instance, sendPii),
                Ledger = store,
            };
            driver.OutboxWritten = dispatcher.Nudge;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var running = Task.WhenAll(driver.RunAsync(stop.Token), dispatcher.RunAsync(stop.Token));
            Assert.Equal(EntryStatus.Started, (await driver.EnterAsync("vault-welcome", Customer, null, ct)).Status);
            var file = OutboxDispatcher.FileFor(outboxFolder, Channel.Email);
            for (var i = 0; i < 500 && !(File.Exists(file) && File.ReadAllLines(file).Length > 0); i++)
            {
                await Task.Delay(20, ct);
            }
            await stop.CancelAsync();
            await running;
            var stored = await store.GetAsync(Customer, ct);
            Assert.NotNull(stored);
            return new JourneyRun(File.Exists(file) ? File.ReadAllLines(file) : [], Json(stored));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, DomainJson.Options);

    /// <summary>
    /// ACS email as documented for API 2025-09-01: <c>POST /emails:send</c> signed with the access key
    /// (<c>x-ms-date</c>, <c>x-ms-content-sha256</c>, <c>Authorization: HMAC-SHA256 SignedHeaders=…&amp;Signature=…</c>),
    /// answered 202 with <c>Operation-Location</c>; <c>GET /emails/operations/{id}</c> answered Succeeded.
    /// </summary>
    private sealed class AcsEmail : IAsyncDisposable
    {
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
        private WebApplication _web = null!;

        public string AccessKey => Convert.ToBase64String(_key);

        public string BaseUrl => _web.Urls.Single() + "/";

        public ConcurrentQueue<JsonNode> Sends { get; } = new();

        public ConcurrentQueue<string> Violations { get; } = new();

        public static async Task<AcsEmail> StartAsync()
        {
            var fake = new AcsEmail();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            fake._web = builder.Build();
            fake._web.MapPost("/emails:send", fake.SendAsync);
            fake._web.MapGet("/emails/operations/{id}", (string id, HttpRequest r) =>
            {
                fake.CheckSignature(r, []);
                return Results.Json(new { id, status = "Succeeded" });
            });
            await fake._web.StartAsync();
            return fake;
        }

        private async Task<IResult> SendAsync(HttpRequest request)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            CheckSignature(request, body);
            if (request.Query["api-version"] != "2025-09-01")
            {
                Violations.Enqueue("api-version must be 2025-09-01");
            }
            var operationId = request.Headers["Operation-Id"].ToString();
            if (operationId.Length == 0 || request.Headers["Repeatability-Request-ID"] != operationId)
            {
                Violations.Enqueue("Operation-Id and Repeatability-Request-ID must name the same operation");
            }
            var json = JsonNode.Parse(body)!;
            if (json["recipients"]?["to"]?[0]?["address"] is null || json["content"]?["subject"] is null)
            {
                Violations.Enqueue("recipients.to[0].address and content.subject are required");
                return Results.BadRequest();
            }
            Sends.Enqueue(json);
            request.HttpContext.Response.Headers["Operation-Location"] = $"{BaseUrl}emails/operations/{operationId}?api-version=2025-09-01";
            request.HttpContext.Response.Headers["retry-after"] = "0";
            return Results.Json(new { id = operationId, status = "Running" }, statusCode: 202);
        }

        private void CheckSignature(HttpRequest request, byte[] body)
        {
            var contentHash = Convert.ToBase64String(SHA256.HashData(body));
            if (request.Headers["x-ms-content-sha256"] != contentHash)
            {
                Violations.Enqueue("x-ms-content-sha256 is not the SHA-256 of the body");
            }
            var date = request.Headers["x-ms-date"].ToString();
            var toSign = string.Create(CultureInfo.InvariantCulture, $"{request.Method}\n{request.Path}{request.QueryString}\n{date};{request.Host};{contentHash}");
            var signature = Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(toSign)));
            if (request.Headers.Authorization != $"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}")
            {
                Violations.Enqueue($"{request.Method} {request.Path}: the HMAC-SHA256 signature does not verify");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _web.StopAsync();
            await _web.DisposeAsync();
        }
    }
}
