using Lodestar.Customers;
using Lodestar.Engagement;
using Lodestar.Identity;
using Lodestar.Journeys;
using Lodestar.Tests.Support;

namespace Lodestar.Tests.Http;

/// <summary>The SQLite delivery ledger and feedback store the Event Grid webhook reads.</summary>
public sealed class EventGridLedgerTests(InProcessHost host) : IClassFixture<InProcessHost>
{
    [Fact]
    public async Task RecordSends_Twice_KeepsOneRowAndFillsAMissingProviderId()
    {
        var ct = TestContext.Current.CancellationToken;
        var customer = CustomerId.DerivedFrom("member:M-led-1");
        var first = new SentMessageRecord("led-m1", null, customer, Channel.Email, "j", "c", "n", Samples.T0, Segment: "champions");

        await host.App.Store.RecordSendsAsync([first], ct);
        await host.App.Store.RecordSendsAsync([first with { ProviderMessageId = "acs-led-1", SentAt = Samples.T0.AddMinutes(1) }], ct);

        var byProvider = await host.App.Store.FindSendAsync("acs-led-1", ct);
        var byOurs = await host.App.Store.FindSendAsync("led-m1", ct);
        Assert.Equal(first with { ProviderMessageId = "acs-led-1" }, byProvider);
        Assert.Equal(byProvider, byOurs);
        Assert.Null(await host.App.Store.FindSendAsync("acs-unknown", ct));
    }

    [Fact]
    public async Task ContactKey_IsAnIdentifierLinkedToTheCustomer_NullForAStranger()
    {
        var ct = TestContext.Current.CancellationToken;
        var reply = await host.Client.PostAsync("/api/v1/track", $$"""
            {"type":"track","messageId":"led-t1","userId":"M-led-2","anonymousId":"anon-led-2","event":"visited","timestamp":"{{Samples.Iso(Samples.T0)}}"}
            """);
        Assert.Equal(System.Net.HttpStatusCode.OK, reply.Status);
        var customer = CustomerId.DerivedFrom("member:M-led-2");

        var key = await host.App.Store.ContactKeyAsync(customer, ct);

        Assert.NotNull(key);
        Assert.Equal(IdKind.Member, key.Kind);
        Assert.Equal(customer, await host.App.Store.FindAsync(key.GraphKey, ct));
        Assert.Null(await host.App.Store.ContactKeyAsync(CustomerId.DerivedFrom("member:nobody"), ct));
    }

    [Fact]
    public async Task RecordFeedback_SameEventTwice_KeepsOneFactAndOneDeadLetter()
    {
        var ct = TestContext.Current.CancellationToken;
        var fact = new EngagementFact("led-e1", "led-m9", EngagementKind.Opened, Samples.T0);
        var dead = new DeadLetter("led-d1", "Microsoft.Communication.EmailDeliveryReportReceived", DeadLetterReasons.UnknownMessage, "no send", Samples.Now);

        await host.App.Store.RecordSendsAsync([new SentMessageRecord("led-m9", null, CustomerId.DerivedFrom("member:M-led-9"), Channel.Email, "j", "led-c", "n", Samples.T0)], ct);

        await host.App.Store.RecordFeedbackAsync([fact], [dead], ct);
        await host.App.Store.RecordFeedbackAsync([fact], [dead], ct);

        Assert.Single(await host.App.Store.DeadLettersAsync(100, ct), d => d.EventId == "led-d1");
        var facts = await host.App.Store.LoadAsync("led-c", TimeSpan.FromDays(7), ct);
        Assert.Equal([fact], facts.Engagements);
    }
}
