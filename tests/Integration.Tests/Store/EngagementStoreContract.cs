using System.Collections.Immutable;
using Lodestar.Campaigns;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Events;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Journeys;
using Lodestar.Messaging;
using Lodestar.Profiles;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Store;

/// <summary>The delivery-ledger side of a customer store, with the ingest port that puts customers and purchases in it.</summary>
public sealed record EngagementStoreUnderTest(
    IIngestStore Ingest,
    IDeliveryLedger Ledger,
    IFeedbackStore Feedback,
    ICampaignFacts Campaigns,
    Func<int, CancellationToken, Task<IReadOnlyList<DeadLetter>>> DeadLetters);

/// <summary>
/// The contract of the delivery ledger, the feedback store and the campaign read side, for every store (SQLite and
/// Cosmos DB): sends are idempotent on our message id and found by the provider's id or ours; the contact key is the
/// strongest identifier linked to the customer, following merges; facts and dead letters are kept once per event id;
/// a campaign's facts are its sends, their engagements and its customers' purchases in the window, customers as they are now.
/// </summary>
public abstract class EngagementStoreContract : IAsyncLifetime
{
    private EngagementStoreUnderTest? _store;

    private EngagementStoreUnderTest Store => _store ?? throw new InvalidOperationException("not initialised");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty store; disposed (and its storage removed) in <see cref="DisposeStoreAsync"/>.</summary>
    protected abstract Task<EngagementStoreUnderTest> CreateStoreAsync(CancellationToken cancellationToken);

    protected abstract ValueTask DisposeStoreAsync();

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await DisposeStoreAsync();
        GC.SuppressFinalize(this);
    }

    // ---- builders

    private static Identifier Member(string id) => Samples.Pii.Protect(IdKind.Member, id);

    private static Identifier Phone(string e164) => Samples.Pii.Protect(IdKind.Phone, e164);

    private static Identifier Anonymous(string id) => Samples.Pii.Protect(IdKind.Anonymous, id);

    private static CustomerId IdOf(Identifier seed) => CustomerId.DerivedFrom(seed.GraphKey);

    private static CustomerEvent Viewed(string messageId, DateTimeOffset at, params Identifier[] ids) => new()
    {
        MessageId = messageId, Type = EventType.Track, Name = "Product Viewed", Source = "web", Ids = [.. ids], Timestamp = at,
    };

    private static CustomerEvent Ordered(string orderId, DateTimeOffset at, long amountMinor, Identifier id, bool cancellation = false) => new()
    {
        MessageId = "msg-" + orderId, Type = EventType.Order, Source = "pos", Ids = [id], Timestamp = at,
        Order = new Order(orderId, "store-1", "CNY", [new OrderLine("sku-1", null, null, 1, amountMinor)], cancellation),
    };

    /// <summary>Creates customer <paramref name="id"/> from <paramref name="events"/>, as the ingest use case commits it.</summary>
    private async Task<Profile> CreateCustomerAsync(CustomerId id, params CustomerEvent[] events)
    {
        var profile = events.Aggregate(ProfileFold.Start(id, events[0].Timestamp), ProfileFold.Apply);
        var ids = events.SelectMany(e => e.Ids).Distinct().ToList();
        await Store.Ingest.CommitAsync(new IngestChanges(
            [.. events.Select(e => new StoredEvent(id, e))], [], [.. ids.Select(i => (i.GraphKey, id, i))], [], [profile], []), Ct);
        return profile;
    }

    /// <summary>Merges <paramref name="loser"/> into <paramref name="survivor"/>, as the use case commits an alias.</summary>
    private async Task MergeAsync(CustomerId survivor, Identifier survivorKey, CustomerId loser, Identifier loserKey, string messageId)
    {
        var before = await Store.Ingest.LoadAsync(new IngestKeys([], [], [survivorKey.GraphKey, loserKey.GraphKey]), Ct);
        var merged = ProfileFold.Merge(before.Profiles[survivor], before.Profiles[loser]);
        await Store.Ingest.CommitAsync(new IngestChanges([], [], [], [new MergeRecord(survivor, loser, [], "alias", Samples.T0.AddDays(1), messageId)], [merged], []), Ct);
    }

    private static SentMessageRecord Send(string messageId, CustomerId customer, DateTimeOffset at, string campaign = "spring", string? provider = null,
        Channel channel = Channel.Email) =>
        new(messageId, provider, customer, channel, "abandoned-cart", campaign, "remind", at, DeliveryStatus.Accepted, "B", "champions");

    // ---- the delivery ledger

    [Fact]
    public async Task RecordSends_Twice_KeepsOneRecordAndFillsAMissingProviderId()
    {
        var first = Send("led-m1", CustomerId.DerivedFrom("member:M-led-1"), Samples.T0);

        await Store.Ledger.RecordSendsAsync([first], Ct);
        await Store.Ledger.RecordSendsAsync([first with { ProviderMessageId = "acs-led-1", SentAt = Samples.T0.AddMinutes(1) }], Ct);

        var expected = first with { ProviderMessageId = "acs-led-1" };
        Assert.Equal(expected, await Store.Ledger.FindSendAsync("acs-led-1", Ct));
        Assert.Equal(expected, await Store.Ledger.FindSendAsync("led-m1", Ct));
        Assert.Null(await Store.Ledger.FindSendAsync("acs-unknown", Ct));
    }

    [Fact]
    public async Task RecordSends_ProviderIdAlreadyKept_IsNotReplaced()
    {
        var first = Send("led-m2", CustomerId.DerivedFrom("member:M-led-2"), Samples.T0, provider: "acs-first");

        await Store.Ledger.RecordSendsAsync([first], Ct);
        await Store.Ledger.RecordSendsAsync([first with { ProviderMessageId = "acs-second" }], Ct);

        Assert.Equal(first, await Store.Ledger.FindSendAsync("acs-first", Ct));
        Assert.Equal(first, await Store.Ledger.FindSendAsync("led-m2", Ct));
        Assert.Null(await Store.Ledger.FindSendAsync("acs-second", Ct));
    }

    [Fact]
    public async Task RecordSends_ABatch_EachIsFoundByItsOwnIds()
    {
        var customer = CustomerId.DerivedFrom("member:M-led-3");
        SentMessageRecord[] batch =
        [
            Send("led-b1", customer, Samples.T0, provider: "acs-b1"),
            Send("led-b2", customer, Samples.T0.AddSeconds(1), channel: Channel.MiniProgram),
            Send("led-b3", customer, Samples.T0.AddSeconds(2), provider: "acs-b3", channel: Channel.Sms),
        ];

        await Store.Ledger.RecordSendsAsync(batch, Ct);

        foreach (var s in batch)
        {
            Assert.Equal(s, await Store.Ledger.FindSendAsync(s.MessageId, Ct));
            if (s.ProviderMessageId is { } provider)
            {
                Assert.Equal(s, await Store.Ledger.FindSendAsync(provider, Ct));
            }
        }
    }

    // ---- the feedback store

    [Fact]
    public async Task ContactKey_IsTheStrongestIdentifierLinked_NullForAStranger()
    {
        Identifier[] ids = [Phone("+8613957215601"), Member("M-ck-1"), Anonymous("anon-ck-1")];
        var customer = IdOf(ids[1]);
        await CreateCustomerAsync(customer, Viewed("ck-1", Samples.T0, ids));

        var key = await Store.Feedback.ContactKeyAsync(customer, Ct);

        var strongest = ids.OrderBy(i => i.Kind).ThenBy(i => i.GraphKey, StringComparer.Ordinal).First();
        Assert.NotNull(key);
        Assert.Equal((strongest.Kind, strongest.GraphKey), (key.Kind, key.GraphKey));
        Assert.Null(await Store.Feedback.ContactKeyAsync(CustomerId.DerivedFrom("member:nobody"), Ct));
    }

    [Fact]
    public async Task ContactKey_OfAMergedAwayCustomer_IsAnIdentifierOfTheSurvivor()
    {
        var (member, device) = (Member("M-ck-2"), Anonymous("anon-ck-2"));
        var (survivor, loser) = (IdOf(member), IdOf(device));
        await CreateCustomerAsync(survivor, Viewed("ck-2a", Samples.T0, member));
        await CreateCustomerAsync(loser, Viewed("ck-2b", Samples.T0.AddHours(1), device));
        await MergeAsync(survivor, member, loser, device, "alias-ck-2");

        var key = await Store.Feedback.ContactKeyAsync(loser, Ct);

        Assert.NotNull(key);
        Assert.Equal(member.GraphKey, key.GraphKey);
        Assert.Equal(await Store.Feedback.ContactKeyAsync(survivor, Ct), key);
    }

    [Fact]
    public async Task RecordFeedback_SameReportsTwice_KeepsOneFactAndOneDeadLetter()
    {
        await Store.Ledger.RecordSendsAsync([Send("fb-m1", CustomerId.DerivedFrom("member:M-fb-1"), Samples.T0, campaign: "fb-c")], Ct);
        var fact = new EngagementFact("fb-e1", "fb-m1", EngagementKind.Opened, Samples.T0.AddHours(1));
        var dead = new DeadLetter("fb-d1", "Microsoft.Communication.EmailDeliveryReportReceived", DeadLetterReasons.UnknownMessage, "no send", Samples.Now);

        await Store.Feedback.RecordFeedbackAsync([fact], [dead], Ct);
        await Store.Feedback.RecordFeedbackAsync([fact with { At = Samples.T0.AddHours(2) }], [dead with { Detail = "again" }], Ct);

        Assert.Equal([dead], await Store.DeadLetters(100, Ct));
        Assert.Equal([fact], (await Store.Campaigns.LoadAsync("fb-c", TimeSpan.FromDays(7), Ct)).Engagements);
    }

    [Fact]
    public async Task DeadLetters_AreListedNewestFirst_UpToTheLimit()
    {
        var letters = Enumerable.Range(1, 4)
            .Select(i => new DeadLetter($"dl-{i}", "Microsoft.Communication.SMSDeliveryReportReceived", DeadLetterReasons.UnknownCustomer, "gone", Samples.Now.AddMinutes(i)))
            .ToArray();

        await Store.Feedback.RecordFeedbackAsync([], letters, Ct);

        Assert.Equal(letters.OrderByDescending(d => d.ReceivedAt).Take(3), await Store.DeadLetters(3, Ct));
    }

    // ---- the campaign read side

    [Fact]
    public async Task CampaignFacts_AreTheCampaignsSendsTheirEngagementsAndThePurchasesInTheWindow()
    {
        var (ann, bob) = (Member("M-cf-ann"), Member("M-cf-bob"));
        var (annId, bobId) = (IdOf(ann), IdOf(bob));
        var window = TimeSpan.FromDays(3);
        SentMessageRecord[] sends =
        [
            Send("cf-m2", bobId, Samples.T0.AddHours(2), provider: "acs-cf-2"),
            Send("cf-m1", annId, Samples.T0, provider: "acs-cf-1"),
            Send("cf-other", annId, Samples.T0.AddHours(1), campaign: "other"),
        ];
        CustomerEvent[] annOrders =
        [
            Ordered("o-before", Samples.T0.AddHours(-1), 1_000, ann),
            Ordered("o-in", Samples.T0.AddDays(1), 2_500, ann),
            Ordered("o-cancel", Samples.T0.AddDays(1).AddHours(1), 2_500, ann, cancellation: true),
        ];
        CustomerEvent[] bobOrders =
        [
            Ordered("o-edge", Samples.T0.AddHours(2) + window, 700, bob),
            Ordered("o-late", Samples.T0.AddHours(2) + window + TimeSpan.FromMinutes(1), 900, bob),
        ];
        await CreateCustomerAsync(annId, annOrders);
        await CreateCustomerAsync(bobId, bobOrders);
        await Store.Ledger.RecordSendsAsync(sends, Ct);
        EngagementFact[] facts =
        [
            new("cf-e1", "cf-m1", EngagementKind.Delivered, Samples.T0.AddMinutes(1)),
            new("cf-e2", "cf-m1", EngagementKind.Clicked, Samples.T0.AddMinutes(30)),
            new("cf-e3", "cf-m2", EngagementKind.Opened, Samples.T0.AddHours(3)),
            new("cf-e4", "cf-other", EngagementKind.Opened, Samples.T0.AddHours(3)),
        ];
        await Store.Feedback.RecordFeedbackAsync(facts, [], Ct);

        var loaded = await Store.Campaigns.LoadAsync("spring", window, Ct);

        var campaign = sends.Where(s => s.Campaign == "spring").OrderBy(s => s.SentAt).ToList();
        Assert.Equal(campaign, loaded.Sends);
        Assert.Equal(facts.Where(f => campaign.Any(s => s.MessageId == f.MessageId)).OrderBy(f => f.EventId),
            loaded.Engagements.OrderBy(f => f.EventId));
        var (from, to) = (campaign[0].SentAt, campaign[^1].SentAt + window);
        var expected = annOrders.Select(e => (annId, e)).Concat(bobOrders.Select(e => (bobId, e)))
            .Where(x => x.e.Order is { IsCancellation: false } && x.e.Timestamp >= from && x.e.Timestamp <= to)
            .Select(x => new PurchaseFact(x.Item1, x.e.Order!.OrderId, x.e.Timestamp, x.e.Order.AmountMinor, x.e.Order.Currency));
        Assert.Equal(expected.OrderBy(p => p.OrderId), loaded.Purchases.OrderBy(p => p.OrderId));
    }

    [Fact]
    public async Task CampaignFacts_SendToACustomerMergedAwayLater_IsCountedUnderTheSurvivor()
    {
        var (member, device) = (Member("M-cf-3"), Anonymous("anon-cf-3"));
        var (survivor, loser) = (IdOf(member), IdOf(device));
        await CreateCustomerAsync(survivor, Viewed("cf-3a", Samples.T0.AddHours(-2), member));
        await CreateCustomerAsync(loser, Ordered("o-loser", Samples.T0.AddHours(5), 4_200, device));
        var send = Send("cf-m3", loser, Samples.T0, campaign: "merged");
        await Store.Ledger.RecordSendsAsync([send], Ct);
        await MergeAsync(survivor, member, loser, device, "alias-cf-3");

        var loaded = await Store.Campaigns.LoadAsync("merged", TimeSpan.FromDays(1), Ct);

        Assert.Equal([send with { Customer = survivor }], loaded.Sends);
        var purchase = Assert.Single(loaded.Purchases);
        Assert.Equal((survivor, "o-loser"), (purchase.Customer, purchase.OrderId));
    }

    [Fact]
    public async Task CampaignFacts_OfACampaignWithoutSends_AreEmpty()
    {
        await Store.Ledger.RecordSendsAsync([Send("cf-m9", CustomerId.DerivedFrom("member:M-cf-9"), Samples.T0, campaign: "some")], Ct);

        var loaded = await Store.Campaigns.LoadAsync("none", TimeSpan.FromDays(7), Ct);

        Assert.Empty(loaded.Sends);
        Assert.Empty(loaded.Engagements);
        Assert.Empty(loaded.Purchases);
    }
}
