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
/// The contact vault end to end (docs/adr/0007): an identify carrying an email and a phone number, then a journey whose
/// send node emails (or texts) the customer through the ACS adapter, against a local server speaking the documented
/// <c>emails:send</c> (and <c>sms</c>) API with its HMAC signature. The address the customer gave reaches the request; the
/// outbox line shows it masked, and neither the address nor its sealed form is written there.
/// </summary>
public sealed class EmailDeliveryTests
{
    private const string Member = "M-vault-1";
    private const string GivenEmail = " Wang.Fang.77@Corp-Mail.cn ";
    private const string GivenPhone = "139 1284 7563";
    private static readonly string NormalisedEmail = GivenEmail.Trim().ToLowerInvariant();
    private static readonly string NormalisedPhone = "+86" + GivenPhone.Replace(" ", "", StringComparison.Ordinal);
    private static readonly CustomerId Customer = CustomerId.DerivedFrom("member:" + Member);
    private static readonly byte[] HostPiiKey = Encoding.UTF8.GetBytes("lodestar-email-delivery-tests-pii-key-0123456789");

    private static string Journey(Channel channel) => $$"""
        {
          "id": "vault-welcome", "version": 1, "name": "vault-welcome",
          "entry": { "type": "api" },
          "reEntry": { "type": "never" },
          "start": "hello",
          "nodes": [ { "id": "hello", "type": "send", "channel": "{{channel.Name()}}", "template": "{{(channel == Channel.Email ? "welcome-email" : "vip-care-sms")}}", "transactional": true } ]
        }
        """;

    [Fact]
    public async Task JourneySend_OnEmailWithTheAcsAdapter_AddressesTheRequestToTheEmailTheCustomerGave()
    {
        var ct = TestContext.Current.CancellationToken;
        var pii = new PiiProtector(HostPiiKey);
        await using var fake = await AcsFake.StartAsync();
        var run = await RunJourneyAsync(pii, pii, fake, Channel.Email, ct);

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
    public async Task JourneySend_OnSmsWithTheAcsAdapter_AddressesTheRequestToThePhoneNumberTheCustomerGave()
    {
        var ct = TestContext.Current.CancellationToken;
        var pii = new PiiProtector(HostPiiKey);
        await using var fake = await AcsFake.StartAsync();
        var run = await RunJourneyAsync(pii, pii, fake, Channel.Sms, ct);

        Assert.True(fake.Sends.Count == 1, string.Join('\n', run.OutboxLines)); // the line says why when nothing was sent
        var send = Assert.Single(fake.Sends);
        Assert.Empty(fake.Violations);
        Assert.Equal(NormalisedPhone, send["smsRecipients"]![0]!["to"]!.GetValue<string>());
        var line = JsonNode.Parse(Assert.Single(run.OutboxLines))!;
        Assert.Equal("accepted", line["status"]!.GetValue<string>());
        var sealedText = pii.Protect(IdKind.Phone, NormalisedPhone).Sealed!;
        Assert.DoesNotContain(NormalisedPhone[3..], run.OutboxLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(sealedText, run.OutboxLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task JourneySend_WhenTheHostKeyChanged_SendsNothingAndSaysTheAddressDoesNotUnseal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await AcsFake.StartAsync();
        var other = new PiiProtector(Encoding.UTF8.GetBytes("a-different-pii-key-after-a-botched-restore-0000"));
        var run = await RunJourneyAsync(new PiiProtector(HostPiiKey), other, fake, Channel.Email, ct);

        Assert.Empty(fake.Sends);
        var line = JsonNode.Parse(Assert.Single(run.OutboxLines))!;
        Assert.Equal("invalidAddress", line["status"]!.GetValue<string>(), ignoreCase: true);
        Assert.Contains("does not unseal", line.ToJsonString(), StringComparison.Ordinal);
    }

    private sealed record JourneyRun(IReadOnlyList<string> OutboxLines, string StoredProfile);

    /// <summary>
    /// Ingests the identify (email and phone in the traits) with <paramref name="ingestPii"/>, runs the persisted driver and
    /// the outbox dispatcher with the ACS adapters unsealing with <paramref name="sendPii"/>, enters the customer into a
    /// journey sending on <paramref name="channel"/> (API entry, as <c>POST /api/journeys/{id}/entries</c> does) and waits
    /// until the outbox row is handled.
    /// </summary>
    private static async Task<JourneyRun> RunJourneyAsync(PiiProtector ingestPii, PiiProtector sendPii, AcsFake fake, Channel channel, CancellationToken ct)
    {
        using var folder = new TempFolder("lodestar-email-delivery-");
        var clock = new FixedTimeProvider(Samples.Now);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:Email:ConnectionString"] = $"endpoint={fake.BaseUrl};accesskey={fake.AccessKey}",
            ["Channels:Email:Sender"] = "DoNotReply@lodestar.test",
            ["Channels:Email:PollInterval"] = "00:00:00.050",
            ["Channels:Sms:ConnectionString"] = $"endpoint={fake.BaseUrl};accesskey={fake.AccessKey}",
            ["Channels:Sms:From"] = "+18445550100",
            ["Lodestar:Templates"] = TemplateCatalog.Locate(AppContext.BaseDirectory),
        }).Build();
        var outboxFolder = Path.Combine(folder.Path, "outbox");
        try
        {
            using var store = SqliteStore.Open(Path.Combine(folder.Path, "lodestar.db"));
            var catalog = new JourneyCatalog(store, clock);
            var (published, _) = await catalog.PublishAsync(Journey(channel), ct);
            Assert.True(published.IsValid, string.Join("; ", published.Errors.Select(e => $"{e.Pointer} {e.Message}")));

            var cleaner = new Cleaner(ingestPii, CleaningOptions.Default);
            var identify = new RawEvent
            {
                MessageId = "vault-1", Type = EventType.Identify, Source = "web", Ids = [new RawIdentifier(IdKind.Member, Member)],
                Traits = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("email", GivenEmail), KeyValuePair.Create("phone", GivenPhone)]),
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
            var file = OutboxDispatcher.FileFor(outboxFolder, channel);
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
    /// ACS as documented, every request signed with the access key (<c>x-ms-date</c>, <c>x-ms-content-sha256</c>,
    /// <c>Authorization: HMAC-SHA256 SignedHeaders=…&amp;Signature=…</c>): email API 2025-09-01, <c>POST /emails:send</c>
    /// answered 202 with <c>Operation-Location</c> and <c>GET /emails/operations/{id}</c> answered Succeeded; SMS API
    /// 2021-03-07, <c>POST /sms</c> answered 202 with one successful recipient result.
    /// </summary>
    private sealed class AcsFake : IAsyncDisposable
    {
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
        private WebApplication _web = null!;

        public string AccessKey => Convert.ToBase64String(_key);

        public string BaseUrl => _web.Urls.Single() + "/";

        public ConcurrentQueue<JsonNode> Sends { get; } = new();

        public ConcurrentQueue<string> Violations { get; } = new();

        public static async Task<AcsFake> StartAsync()
        {
            var fake = new AcsFake();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            fake._web = builder.Build();
            fake._web.MapPost("/emails:send", fake.SendAsync);
            fake._web.MapPost("/sms", fake.SmsAsync);
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

        private async Task<IResult> SmsAsync(HttpRequest request)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            CheckSignature(request, body);
            if (request.Query["api-version"] != "2021-03-07")
            {
                Violations.Enqueue("api-version must be 2021-03-07");
            }
            var json = JsonNode.Parse(body)!;
            var recipient = json["smsRecipients"]?[0];
            if (recipient?["to"] is null || json["from"] is null || json["message"] is null
                || recipient["repeatabilityRequestId"]?.GetValue<string>() != request.Headers["Repeatability-Request-ID"].ToString())
            {
                Violations.Enqueue("from, message and smsRecipients[0].to are required; the recipient repeats the Repeatability-Request-ID");
                return Results.BadRequest();
            }
            Sends.Enqueue(json);
            return Results.Json(new
            {
                value = new[] { new { to = recipient["to"]!.GetValue<string>(), messageId = "sms-1", httpStatusCode = 202, repeatabilityResult = "accepted", successful = true } },
            }, statusCode: 202);
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
