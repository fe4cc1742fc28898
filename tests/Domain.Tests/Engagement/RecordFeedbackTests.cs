using Lodestar.Cleaning;
using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Identity;
using Lodestar.Ingestion;
using Lodestar.Journeys;
using Lodestar.Tags;
using Lodestar.Tests.Ingestion;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Engagement;

/// <summary>The feedback use case over the real ingest use case and in-memory ports that honour their contracts.</summary>
public sealed class RecordFeedbackTests
{
    private static readonly DateTimeOffset T0 = Clock.T0;
    private static readonly Identifier Member = Pii.Member("M-fb-1");
    private static readonly CustomerId Customer = CustomerId.DerivedFrom(Member.GraphKey);

    private readonly InMemoryIngestStore _ingest = new();
    private readonly Ledger _ledger = new();
    private readonly Facts _facts = new();

    private RecordFeedback Feedback()
    {
        var ingest = new IngestEvents(_ingest, TagRuleSet.Default, new FixedTimeProvider(T0));
        _facts.Keys[Customer] = Member;
        return new RecordFeedback(_ledger, _facts, new Sink(ingest), Pii.Cleaner, new FixedTimeProvider(T0.AddHours(1)));
    }

    private SentMessageRecord Sent(string id, Channel channel, string? provider = null)
    {
        var record = new SentMessageRecord(id, provider, Customer, channel, "j", "camp", "n", T0, Branch: "b");
        _ledger.Sends.Add(record);
        return record;
    }

    private static Task<FeedbackResult> Handle(RecordFeedback feedback, params FeedbackReport[] reports) => feedback.HandleAsync(reports, TestContext.Current.CancellationToken);

    [Fact]
    public async Task SendRejected_ForAKnownMessage_MarksTheChannelUnusable()
    {
        Sent("msg-1", Channel.Sms);

        var result = await Handle(Feedback(), new SendRejected("rej-1", T0, "msg-1", "invalid number"));

        Assert.Equal(FeedbackOutcome.Accepted, Assert.Single(result.Items).Outcome);
        Assert.Equal("rejected", _ingest.Profiles[Customer].Unusable["sms"].Reason);
        Assert.Equal([("rej-1", "msg-1", EngagementKind.Bounced)], _facts.Recorded.Select(f => (f.EventId, f.MessageId, f.Kind)));
    }

    [Fact]
    public async Task SameReportTwice_IsADuplicateAndOneFact()
    {
        Sent("msg-2", Channel.Email, provider: "acs-2");
        var feedback = Feedback();
        var report = new EngagementReport("evt-2", EventGridParser.EmailEngagement, T0.AddMinutes(5), Channel.Email, "acs-2", EngagementKind.Clicked);

        await Handle(feedback, report);
        var again = await Handle(feedback, report);

        Assert.Equal(FeedbackOutcome.Duplicate, Assert.Single(again.Items).Outcome);
        Assert.Single(_facts.Recorded);
        var stored = Assert.Single(_ingest.Events);
        Assert.Equal((EngagementEvents.Clicked, "msg-2", "b"), (stored.Event.Name, stored.Event.Properties["messageId"].GetString(), stored.Event.Properties["branch"].GetString()));
    }

    [Fact]
    public async Task UnsubscribeNamingAMessage_WithdrawsConsentAndRecordsTheUnsubscribe()
    {
        Sent("msg-3", Channel.Email);

        await Handle(Feedback(), new UnsubscribeRequest("unsub-3", T0.AddMinutes(9), Customer, Channel.Email, "msg-3"));

        Assert.False(_ingest.Profiles[Customer].Consent["marketing.email"].Granted);
        Assert.Contains(_ingest.Events, e => e.Event.Name == EngagementEvents.Unsubscribed);
        Assert.Equal([EngagementKind.Unsubscribed], _facts.Recorded.Select(f => f.Kind));
    }

    [Fact]
    public async Task InboundSmsThatIsNotAnOptOut_IsIgnoredAndIngestsNothing()
    {
        var result = await Handle(Feedback(), new InboundSms("in-1", EventGridParser.SmsReceived, T0, "+8613957215670", "谢谢"));

        Assert.Equal(FeedbackOutcome.Ignored, Assert.Single(result.Items).Outcome);
        Assert.Empty(_ingest.Events);
    }

    [Fact]
    public async Task ReportForAnErasedCustomer_IsDeadLettered()
    {
        Sent("msg-4", Channel.Email, provider: "acs-4");
        var feedback = Feedback();
        _facts.Keys.Clear();

        var result = await Handle(feedback, new DeliveryReport("evt-4", EventGridParser.EmailDelivery, T0, Channel.Email, "acs-4", EngagementKind.Delivered, "Delivered", null));

        Assert.Equal((FeedbackOutcome.DeadLettered, DeadLetterReasons.UnknownCustomer), (result.Items[0].Outcome, result.Items[0].Reason));
        Assert.Equal(["evt-4"], _facts.Dead.Select(d => d.EventId));
    }

    [Fact]
    public void EventMessageId_IsStableAndBoundedForLongEventIds()
    {
        var id = new string('x', 300);

        Assert.Equal(RecordFeedback.EventMessageId(id), RecordFeedback.EventMessageId(id));
        Assert.True(RecordFeedback.EventMessageId(id).Length <= 100);
        Assert.Equal("fb-abc", RecordFeedback.EventMessageId("abc"));
    }

    private sealed class Sink(IngestEvents ingest) : IEventSink
    {
        public async Task<IReadOnlyList<ItemResult>> AcceptAsync(IReadOnlyList<CleanResult> events, CancellationToken cancellationToken) =>
            (await ingest.IngestAsync(events, cancellationToken)).Items;
    }

    private sealed class Ledger : IDeliveryLedger
    {
        public List<SentMessageRecord> Sends { get; } = [];

        public Task RecordSendsAsync(IReadOnlyCollection<SentMessageRecord> sends, CancellationToken cancellationToken)
        {
            Sends.AddRange(sends.Where(s => Sends.All(x => x.MessageId != s.MessageId)));
            return Task.CompletedTask;
        }

        public Task<SentMessageRecord?> FindSendAsync(string messageId, CancellationToken cancellationToken) =>
            Task.FromResult(Sends.FirstOrDefault(s => s.ProviderMessageId == messageId) ?? Sends.FirstOrDefault(s => s.MessageId == messageId));
    }

    private sealed class Facts : IFeedbackStore
    {
        public Dictionary<CustomerId, Identifier> Keys { get; } = [];

        public List<EngagementFact> Recorded { get; } = [];

        public List<DeadLetter> Dead { get; } = [];

        public Task<Identifier?> ContactKeyAsync(CustomerId customer, CancellationToken cancellationToken) =>
            Task.FromResult(Keys.TryGetValue(customer, out var key) ? key : null);

        public Task RecordFeedbackAsync(IReadOnlyCollection<EngagementFact> facts, IReadOnlyCollection<DeadLetter> deadLetters, CancellationToken cancellationToken)
        {
            Recorded.AddRange(facts.Where(f => Recorded.All(x => x.EventId != f.EventId)));
            Dead.AddRange(deadLetters.Where(d => Dead.All(x => x.EventId != d.EventId)));
            return Task.CompletedTask;
        }
    }
}
