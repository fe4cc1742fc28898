using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.EventHubs;
using Lodestar.Events;
using Lodestar.Functions;
using Lodestar.Functions.Journeys;
using Lodestar.Identity;
using Lodestar.Tags;
using Microsoft.Extensions.Logging.Abstractions;
using Lodestar.Journeys;
using Lodestar.Messaging;
using Lodestar.Profiles;
using Lodestar.Ingestion;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace Lodestar.Tests;

/// <summary>
/// The issue's acceptance for the Durable driver: the real <see cref="JourneyOrchestrator"/> and
/// <see cref="JourneyActivities"/> in the Durable Task in-process test host (real durable timers, external events and
/// time-outs), on journeys/abandoned-cart.json with its waits shortened to seconds. Each test is bounded in time.
/// </summary>
public sealed class AbandonedCartDurableTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly FakeProfiles _profiles = new();
    private readonly InMemorySendLedger _ledger = new();
    private readonly InMemoryJourneyOutbox _outbox = new();
    private readonly string _definitionJson = ShortAbandonedCart();
    private DurableTaskTestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        var delivery = new JourneyDelivery(new Dictionary<Channel, IChannelSender>(), new MessageTemplates(null), _outbox, _profiles, null, TimeProvider.System);
        var activities = new JourneyActivities(_profiles, _ledger, delivery, TimeProvider.System);
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
    public async Task AbandonedCart_PurchaseWithinTheWait_ExitsWithoutReminder()
    {
        var customer = _profiles.Add("purchase");
        var triggers = new JourneyTriggers(new JourneyCatalog([_definitionJson]));

        var started = await triggers.OnAcceptedAsync(_host.Client, [(CartAdd(), customer)], DateTimeOffset.UtcNow, Token);
        var again = await triggers.OnAcceptedAsync(_host.Client, [(CartAdd(), customer)], DateTimeOffset.UtcNow, Token);
        await triggers.OnAcceptedAsync(_host.Client, [(Event("Order Completed", """{"orderId":"W1"}"""), customer)], DateTimeOffset.UtcNow, Token);
        var (state, elapsed) = await CompletionAsync(customer);

        Assert.Equal((1, 0), (started, again));
        Assert.Equal(JourneyStatus.Exited, state.Status);
        Assert.Empty(_outbox.Messages);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));   // it did not sit out the 3 s wait
    }

    [Fact]
    public async Task AbandonedCart_NoPurchase_SendsReminderThenCoupon()
    {
        var customer = _profiles.Add("no-purchase");
        await StartAsync(customer);

        var (state, _) = await CompletionAsync(customer);

        Assert.Equal(JourneyStatus.Completed, state.Status);
        Assert.Equal(["email-reminder/email", "sms-coupon/sms"], _outbox.Messages.Select(m => $"{m.Node}/{m.Channel.Name()}"));
        Assert.Equal("CART-10", _outbox.Messages[1].Offer);
        Assert.Equal(2, (await _ledger.ReadAsync(customer, Token)).History.Length);   // the shared caps see both sends
    }

    [Fact]
    public async Task AbandonedCart_ConsentWithdrawnMidway_ExitsWithReason()
    {
        var customer = _profiles.Add("withdraws");
        await StartAsync(customer);

        // Withdrawn during the first wait: the engine sees it in the profile it fetches on waking.
        _profiles.Withdraw(customer, "email");
        var (state, _) = await CompletionAsync(customer);

        Assert.Equal(JourneyStatus.Exited, state.Status);
        Assert.Contains("consent", state.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_outbox.Messages);
    }

    [Fact]
    public async Task EventHubTrigger_CartBatchStartsTheJourney_PurchaseInALaterBatchEndsIt()
    {
        var customer = _profiles.Add("eh-member");
        var function = new IngestFromEventHubFunction(new IngestEvents(new MemoryIngestStore(), TagRuleSet.Default, TimeProvider.System),
            new JourneyTriggers(new JourneyCatalog([_definitionJson])), TimeProvider.System, NullLogger<IngestFromEventHubFunction>.Instance);
        var member = new Identifier(IdKind.Member, "eh-member", "eh-member");

        await function.IngestAsync([EventEnvelope.ToEventData(new CleanResult(CartAdd() with { Ids = [member] }, []))], _host.Client, Token);
        await function.IngestAsync([EventEnvelope.ToEventData(new CleanResult(
            Event("Order Completed", """{"orderId":"W2"}""") with { Ids = [member] }, []))], _host.Client, Token);
        var (state, elapsed) = await CompletionAsync(customer);

        Assert.Equal(JourneyStatus.Exited, state.Status);   // the purchase, raised by the trigger to the waiting instance, ended it
        Assert.Empty(_outbox.Messages);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task StartAsync(CustomerId customer)
    {
        var triggers = new JourneyTriggers(new JourneyCatalog([_definitionJson]));
        Assert.Equal(1, await triggers.OnAcceptedAsync(_host.Client, [(CartAdd(), customer)], DateTimeOffset.UtcNow, Token));
    }

    private async Task<(JourneyState State, TimeSpan Elapsed)> CompletionAsync(CustomerId customer)
    {
        var clock = Stopwatch.StartNew();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
        bound.CancelAfter(Bound);
        string? id = null;
        await foreach (var instance in _host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = customer.Value + "|" }))
        {
            id = instance.InstanceId;
        }
        var done = await _host.Client.WaitForInstanceCompletionAsync(id!, getInputsAndOutputs: true, bound.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
        return (JsonSerializer.Deserialize<JourneyState>(done.ReadOutputAs<string>()!, DomainJson.Options)!, clock.Elapsed);
    }

    private static CustomerEvent CartAdd() => Event("Product Added", """{"cartId":"cart-1","sku":"SKU-1"}""");

    private static CustomerEvent Event(string name, string properties) => new()
    {
        MessageId = "e-" + Guid.NewGuid().ToString("N"),
        Type = EventType.Track,
        Name = name,
        Source = "web",
        Ids = [],
        Timestamp = DateTimeOffset.UtcNow,
        Properties = JsonSerializer.Deserialize<ImmutableSortedDictionary<string, JsonElement>>(properties)!,
    };

    /// <summary>The sample journey with its 1 h and 24 h waits shortened to 3 s.</summary>
    private static string ShortAbandonedCart()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "abandoned-cart.json");
        return File.ReadAllText(path).Replace("\"timeout\": \"1h\"", "\"timeout\": \"3s\"", StringComparison.Ordinal)
            .Replace("\"timeout\": \"24h\"", "\"timeout\": \"3s\"", StringComparison.Ordinal);
    }

    /// <summary>Profiles in memory, consenting on every channel, in a zone where it is midday now (no quiet hours).</summary>
    internal sealed class FakeProfiles : IProfileStore
    {
        private readonly ConcurrentDictionary<CustomerId, Profile> _profiles = new();

        public CustomerId Add(string seed)
        {
            var now = DateTimeOffset.UtcNow;
            var quarters = (int)Math.Round((TimeSpan.FromHours(12) - now.TimeOfDay).TotalMinutes / 15);
            quarters = quarters > 14 * 4 ? quarters - 96 : quarters < -12 * 4 ? quarters + 96 : quarters;
            var offset = TimeSpan.FromMinutes(quarters * 15);
            var id = CustomerId.DerivedFrom("member:" + seed);
            _profiles[id] = new Profile
            {
                Id = id,
                FirstSeen = now.AddDays(-100),
                LastSeen = now.AddDays(-1),
                Traits = ImmutableSortedDictionary<string, string>.Empty.Add("timezone", (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture)),
                Consent = new[] { "email", "sms", "push", "miniprogram" }.ToImmutableSortedDictionary(
                    c => $"marketing.{c}", _ => new ConsentState(true, now.AddDays(-100), "web"), StringComparer.Ordinal),
            };
            return id;
        }

        public void Withdraw(CustomerId id, string channel) => _profiles[id] = _profiles[id] with
        {
            Consent = _profiles[id].Consent.SetItem($"marketing.{channel}", new ConsentState(false, DateTimeOffset.UtcNow, "web")),
        };

        public Task<Profile?> GetAsync(CustomerId id, CancellationToken cancellationToken) => Task.FromResult(_profiles.GetValueOrDefault(id));

        public Task<CustomerId?> FindAsync(string graphKey, CancellationToken cancellationToken) => Task.FromResult<CustomerId?>(null);

        public Task<IReadOnlyList<MergeRecord>> MergesAsync(CustomerId id, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<MergeRecord>>([]);

        public async IAsyncEnumerable<Profile> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var p in _profiles.Values)
            {
                yield return p;
            }
        }

        public Task<IReadOnlyList<CustomerId>> SaveAsync(IReadOnlyCollection<Profile> profiles, CancellationToken cancellationToken)
        {
            foreach (var p in profiles)
            {
                _profiles[p.Id] = p;
            }
            return Task.FromResult<IReadOnlyList<CustomerId>>([]);
        }

        public Task<bool> EraseAsync(CustomerId id, CancellationToken cancellationToken) => Task.FromResult(_profiles.TryRemove(id, out _));
    }
}
