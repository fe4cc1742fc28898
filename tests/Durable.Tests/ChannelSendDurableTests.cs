using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Lodestar.Api;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Functions.Journeys;
using Lodestar.Journeys;
using Lodestar.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace Lodestar.Tests;

/// <summary>
/// The Durable driver with channel adapters configured: the real orchestrator and Send activity in the in-process test
/// host, each receipt fed back to the engine and shown in the step log that <c>GET /api/customers/{id}/journeys</c> reads
/// from the orchestration's custom status. One short journey (push, 1 s, SMS): the test host is slow.
/// </summary>
public sealed class ChannelSendDurableTests : IAsyncLifetime
{
    private const string WriteKey = "wk_0123456789abcdef";
    private const string Journey = """
        {
          "id": "durable-channels", "version": 1, "name": "Channel sends", "campaign": "durable-channels",
          "entry": { "type": "event", "event": { "names": ["Product Added"] } },
          "start": "push",
          "nodes": [
            { "id": "push", "type": "send", "channel": "push", "template": "browse-reminder-push", "next": "pause" },
            { "id": "pause", "type": "delay", "duration": "1s", "next": "sms" },
            { "id": "sms", "type": "send", "channel": "sms", "template": "cart-coupon-sms", "offer": "CART-10" }
          ]
        }
        """;

    private readonly AbandonedCartDurableTests.FakeProfiles _profiles = new();
    private readonly RecordingSender _push = new(Channel.Push);
    private readonly RecordingSender _sms = new(Channel.Sms);
    private DurableTaskTestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        var senders = new Dictionary<Channel, IChannelSender> { [Channel.Push] = _push, [Channel.Sms] = _sms };
        var delivery = new JourneyDelivery(senders, new MessageTemplates(MessageTemplates.Locate(null)), new InMemoryJourneyOutbox(), _profiles, null, TimeProvider.System);
        var activities = new JourneyActivities(_profiles, new InMemorySendLedger(), delivery, TimeProvider.System);
        _host = await DurableTaskTestHost.StartAsync(tasks =>
        {
            tasks.AddOrchestratorFunc<JourneyRun, string>(JourneyOrchestrator.Name, (ctx, _) => JourneyOrchestrator.Run(ctx));
            tasks.AddActivityFunc<string, string>(JourneyActivities.LoadCustomerName, (_, c) => activities.LoadCustomer(c!, CancellationToken.None));
            tasks.AddActivityFunc<string, string>(JourneyActivities.SendName, (_, b) => activities.Send(b!, CancellationToken.None));
            tasks.AddActivityFunc<string>(JourneyActivities.UpdateProfileName, (_, u) => activities.UpdateProfile(u!, CancellationToken.None));
        });
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ChannelJourney_SendsThroughTheAdapters_AndTheCustomerRouteShowsEachReceiptInTheStepLog()
    {
        var customer = _profiles.Add("channels");
        var triggers = new JourneyTriggers(new JourneyCatalog([Journey]));
        Assert.Equal(1, await triggers.OnAcceptedAsync(_host.Client, [(CartAdd(), customer)], DateTimeOffset.UtcNow, Token));

        await CompletionAsync(customer);
        var view = await CustomerRouteAsync(customer);

        Assert.Equal("customer:" + customer.Value, Assert.Single(_push.Sent).Address);
        Assert.Empty(_sms.Sent);   // no phone number on file: the activity answers InvalidAddress without calling the provider
        var instance = Assert.Single(view.GetProperty("instances").EnumerateArray());
        Assert.Equal(("Completed", "Completed"), (instance.GetProperty("status").GetString(), instance.GetProperty("runtimeStatus").GetString()));
        var log = view.GetProperty("log").EnumerateArray().Select(l => (Node: l.TryGetProperty("node", out var n) ? n.GetString() : null,
            Outcome: l.GetProperty("outcome").GetString(), Detail: l.GetProperty("detail").GetString()!)).ToList();
        Assert.Contains(log, l => l is { Node: "push", Outcome: nameof(StepOutcome.Delivered) });
        Assert.Contains(log, l => l.Node == "sms" && l.Outcome == nameof(StepOutcome.DeliveryFailed) && l.Detail.Contains("no sms address", StringComparison.Ordinal));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task CompletionAsync(CustomerId customer)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        var id = JourneyTriggers.OrchestrationId(customer, "");
        await foreach (var instance in _host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = id }))
        {
            id = instance.InstanceId;
        }
        var done = await _host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, bound.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
    }

    private async Task<JsonElement> CustomerRouteAsync(CustomerId customer)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = $"/api/customers/{customer.Value}/journeys";
        context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":"));
        var api = new JourneyApi(new JourneyCatalog([]), new ApiSecrets(WriteKey, "mp_0123456789abcdef"), new MessageTemplates(null));
        var result = await api.Customer(context.Request, customer.Value, _host.Client, Token);
        Assert.Equal(StatusCodes.Status200OK, result.Status);
        return JsonSerializer.SerializeToElement(result.Body, result.Body!.GetType(), DomainJson.Options);
    }

    private static CustomerEvent CartAdd() => new()
    {
        MessageId = "e-" + Guid.NewGuid().ToString("N"),
        Type = EventType.Track,
        Name = "Product Added",
        Source = "web",
        Ids = [],
        Timestamp = DateTimeOffset.UtcNow,
        Properties = JsonSerializer.Deserialize<ImmutableSortedDictionary<string, JsonElement>>("""{"sku":"SKU-1"}""")!,
    };

    /// <summary>A channel adapter that keeps what it was given and accepts it: the channel port, not an HTTP client.</summary>
    private sealed class RecordingSender(Channel channel) : IChannelSender
    {
        private readonly ConcurrentQueue<OutboundMessage> _sent = new();

        public IReadOnlyList<OutboundMessage> Sent => [.. _sent];

        public Channel Channel => channel;

        public Task<DeliveryReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            _sent.Enqueue(message);
            return Task.FromResult(DeliveryReceipt.Accepted("provider-" + message.MessageId));
        }
    }
}
