using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Content;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Functions.Journeys;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Messaging;
using Lodestar.Profiles;
using Lodestar.Sqlite;
using Lodestar.Tests.Support;

namespace Lodestar.Tests;

/// <summary>
/// The Durable driver's Send activity without the Durable host: the send ledger's optimistic append, the template
/// rendered for the customer, the address unsealed for the channel adapter, the receipt recorded in a real SQLite delivery
/// ledger, and a re-run (Durable's retry or replay of the activity) that hands nothing to the provider twice.
/// </summary>
public sealed class JourneySendActivityTests : IDisposable
{
    private const string RawEmail = "ling.wu@example.com";
    private const string Instance = "abandoned-cart@1:cart-1";

    private readonly TempFolder _folder = new();
    private readonly SqliteStore _store;
    private readonly MemoryProfiles _profiles = new();
    private readonly InMemorySendLedger _sendLedger = new();
    private readonly InMemoryJourneyOutbox _outbox = new();
    private readonly MessageTemplates _templates = new(MessageTemplates.Locate(null));
    private readonly RecordingSender _email = new(Channel.Email, m => DeliveryReceipt.Accepted("acs-" + m.MessageId));
    private readonly RecordingSender _push = new(Channel.Push, _ => new DeliveryReceipt(DeliveryStatus.Refused, Reason: "no installation for the tag"));

    public JourneySendActivityTests() => _store = SqliteStore.Open(Path.Combine(_folder.Path, "store.db"));

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private JourneyActivities Activities(params RecordingSender[] senders) => new(_profiles, _sendLedger,
        new JourneyDelivery(senders.ToDictionary(s => s.Channel, s => (IChannelSender)s), _templates, _outbox, _profiles, _store, new FixedTimeProvider(Samples.T0), Samples.Pii),
        new FixedTimeProvider(Samples.T0));

    [Fact]
    public async Task Send_Email_RendersTheTemplate_UnsealsTheAddress_AndRecordsTheProvidersId()
    {
        var profile = _profiles.Add(Customer("email", withEmail: true));
        var send = Send(profile.Id, "email-reminder", Channel.Email, "cart-reminder-email");

        var result = await SendAsync(Activities(_email), profile.Id, 0, send);

        var sent = Assert.Single(_email.Sent);
        var expected = _templates.Renderer.Render("cart-reminder-email", Channel.Email, null, MessageModel.FromProfile(profile)).Content!;
        Assert.Equal(RawEmail, sent.Address);
        Assert.Equal((expected.Subject, expected.Text), (sent.Content.Subject, sent.Content.Text));
        Assert.Equal((send.MessageId, send.NotBefore), (sent.MessageId, sent.FirstAttemptAt));
        Assert.True(result.Recorded);
        Assert.Equal(new SendReceipt(send.MessageId, DeliveryStatus.Accepted, "acs-" + send.MessageId), Assert.Single(result.Receipts));
        var record = await _store.FindSendAsync("acs-" + send.MessageId, CancellationToken.None);
        Assert.Equal((send.MessageId, profile.Id, Channel.Email, "cart-recovery", "email-reminder", DeliveryStatus.Accepted),
            (record!.MessageId, record.Customer, record.Channel, record.Campaign, record.Node, record.Status));
        Assert.Empty(_outbox.Messages);
    }

    [Fact]
    public async Task Send_RunTwice_HandsTheMessageToTheProviderOnce()
    {
        var profile = _profiles.Add(Customer("twice", withEmail: true));
        var send = Send(profile.Id, "email-reminder", Channel.Email, "cart-reminder-email");
        var activities = Activities(_email);

        var first = await SendAsync(activities, profile.Id, 0, send);
        var again = await SendAsync(activities, profile.Id, 0, send);

        Assert.Single(_email.Sent);
        Assert.True(again.Recorded);
        Assert.Equal(first.Receipts.Select(r => (r.MessageId, r.Status, r.ProviderMessageId)), again.Receipts.Select(r => (r.MessageId, r.Status, r.ProviderMessageId)));
        Assert.Single((await _sendLedger.ReadAsync(profile.Id, CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task Send_AnotherInstanceAppendedFirst_SendsNothing_AndAsksToDecideAgain()
    {
        var profile = _profiles.Add(Customer("stale", withEmail: true));
        var other = Send(profile.Id, "other-node", Channel.Sms, "cart-coupon-sms");
        await _sendLedger.TryAppendAsync(profile.Id, 0, [new LedgerEntry(other.MessageId, new SentMessage(Samples.T0, Channel.Sms, false, "x", "x", null))], CancellationToken.None);

        var result = await SendAsync(Activities(_email), profile.Id, 0, Send(profile.Id, "email-reminder", Channel.Email, "cart-reminder-email"));

        Assert.False(result.Recorded);
        Assert.Empty(result.Receipts);
        Assert.Empty(_email.Sent);
        Assert.Empty(_outbox.Messages);
    }

    [Fact]
    public async Task Send_ChannelWithoutAdapter_GoesToTheOutbox_AndIsRecordedAsAccepted()
    {
        var profile = _profiles.Add(Customer("outbox", withEmail: false));
        var send = Send(profile.Id, "sms-coupon", Channel.Sms, "cart-coupon-sms", offer: "CART-10");

        var result = await SendAsync(Activities(_email), profile.Id, 0, send);

        Assert.Equal(send, Assert.Single(_outbox.Messages));
        Assert.Equal(DeliveryStatus.Accepted, Assert.Single(result.Receipts).Status);
        Assert.Equal(DeliveryStatus.Accepted, (await _store.FindSendAsync(send.MessageId, CancellationToken.None))!.Status);
        Assert.Empty(_email.Sent);
    }

    [Fact]
    public async Task Send_NoEmailOnFile_IsInvalidAddress_WithoutCallingTheProvider()
    {
        var profile = _profiles.Add(Customer("no-email", withEmail: false));
        var send = Send(profile.Id, "email-reminder", Channel.Email, "cart-reminder-email");

        var receipt = Assert.Single((await SendAsync(Activities(_email), profile.Id, 0, send)).Receipts);

        Assert.Equal(DeliveryStatus.InvalidAddress, receipt.Status);
        Assert.Contains("no email address", receipt.Reason, StringComparison.Ordinal);
        Assert.Empty(_email.Sent);
        Assert.Equal(DeliveryStatus.InvalidAddress, (await _store.FindSendAsync(send.MessageId, CancellationToken.None))!.Status);
    }

    /// <summary>A fallback channel keeps the node's template id; the push carries the sibling written for push.</summary>
    [Fact]
    public async Task Send_FallbackChannel_SendsTheSiblingTemplateOfThatChannel()
    {
        var profile = _profiles.Add(Customer("fallback", withEmail: false));
        var send = Send(profile.Id, "email-reminder", Channel.Push, "cart-reminder-email");

        await SendAsync(Activities(_push), profile.Id, 0, send);

        var sent = Assert.Single(_push.Sent);
        var expected = _templates.Renderer.Render("cart-reminder-push", Channel.Push, null, MessageModel.FromProfile(profile)).Content!;
        Assert.Equal((expected.Title, expected.Text), (sent.Content.Title, sent.Content.Text));
    }

    /// <summary>A channel with no sibling template is a template problem; the provider is not called.</summary>
    [Fact]
    public async Task Send_ChannelWithoutASiblingTemplate_FailsWithTheTemplateProblem_WithoutCallingTheProvider()
    {
        var profile = _profiles.Add(Customer("fallback", withEmail: false));
        var send = Send(profile.Id, "sms-coupon", Channel.Push, "cart-coupon-sms");   // no cart-coupon-push

        var receipt = Assert.Single((await SendAsync(Activities(_push), profile.Id, 0, send)).Receipts);

        Assert.Equal(DeliveryStatus.Failed, receipt.Status);
        Assert.StartsWith("template:", receipt.Reason, StringComparison.Ordinal);
        Assert.Empty(_push.Sent);
    }

    [Fact]
    public async Task Send_ProviderRefuses_ReceiptCarriesItsReason()
    {
        var profile = _profiles.Add(Customer("refused", withEmail: false));
        var send = Send(profile.Id, "push-reminder", Channel.Push, "browse-reminder-push");

        var receipt = Assert.Single((await SendAsync(Activities(_push), profile.Id, 0, send)).Receipts);

        Assert.Equal("customer:" + profile.Id.Value, Assert.Single(_push.Sent).Address);
        Assert.Equal((DeliveryStatus.Refused, "no installation for the tag"), (receipt.Status, receipt.Reason));
    }

    [Theory]
    [InlineData(DeliveryStatus.Accepted, SendOutcome.Delivered)]
    [InlineData(DeliveryStatus.Refused, SendOutcome.Rejected)]
    [InlineData(DeliveryStatus.InvalidAddress, SendOutcome.Rejected)]
    [InlineData(DeliveryStatus.Failed, SendOutcome.Failed)]
    public void Receipt_AsSendResult_MapsTheStatus(DeliveryStatus status, SendOutcome outcome)
    {
        Assert.Equal(new SendResult("m-1", outcome, "why"), new SendReceipt("m-1", status, null, "why").ToSendResult());
    }

    [Fact]
    public async Task LoadCustomer_LeavesTheSealedContactPointsOutOfTheHistory()
    {
        var profile = _profiles.Add(Customer("load", withEmail: true));

        var json = await Activities().LoadCustomer(profile.Id.Value, CancellationToken.None);

        Assert.NotEmpty(profile.Contacts);
        Assert.Empty(JsonSerializer.Deserialize<CustomerContext>(json, DomainJson.Options)!.Profile!.Contacts);
        Assert.DoesNotContain(profile.Contacts[0].Sealed, json, StringComparison.Ordinal);
    }

    private static async Task<SendBatchResult> SendAsync(JourneyActivities activities, CustomerId customer, long version, params Send[] sends) =>
        JsonSerializer.Deserialize<SendBatchResult>(await activities.Send(
            JsonSerializer.Serialize(new SendBatch(customer, version, [.. sends], Instance), DomainJson.Options), CancellationToken.None), DomainJson.Options)!;

    private static Send Send(CustomerId customer, string node, Channel channel, string template, string? offer = null) => new(
        JourneyIds.Message(Instance, node, 1), channel, template, offer, customer, JourneyIds.IdempotencyKey(Instance, node, 1), false, Samples.T0,
        "abandoned-cart", "cart-recovery", node);

    private static Profile Customer(string seed, bool withEmail) => new()
    {
        Id = CustomerId.DerivedFrom("member:" + seed),
        FirstSeen = Samples.T0.AddDays(-30),
        LastSeen = Samples.T0.AddDays(-1),
        Contacts = withEmail ? [new ContactPoint(IdKind.Email, Samples.Pii.Protect(IdKind.Email, RawEmail).Sealed!, Samples.T0.AddDays(-30))] : [],
    };

    /// <summary>A channel adapter that keeps what it was given and answers as told: the channel port, not an HTTP client.</summary>
    private sealed class RecordingSender(Channel channel, Func<OutboundMessage, DeliveryReceipt> answer) : IChannelSender
    {
        private readonly ConcurrentQueue<OutboundMessage> _sent = new();

        public IReadOnlyList<OutboundMessage> Sent => [.. _sent];

        public Channel Channel => channel;

        public Task<DeliveryReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            _sent.Enqueue(message);
            return Task.FromResult(answer(message));
        }
    }
}
