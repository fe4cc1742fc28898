using System.Text.Json;
using Lodestar.Events;
using Lodestar.Journeys;
using Lodestar.Profiles;
using static Lodestar.Tests.Journeys.JourneyBuild;

namespace Lodestar.Tests.Journeys;

public sealed class JourneyEngineTests
{
    private static readonly DateTimeOffset T = Times.Noon;

    /// <summary>wait for "Paid" up to 1h → (event) send email → end; (time-out) delay 2h → exit.</summary>
    private static readonly JourneyDefinition Table = Minimal("""
        [ { "id": "a", "type": "waitForEvent", "event": { "name": "Paid" }, "timeout": "1h", "onEvent": "b", "onTimeout": "c" },
          { "id": "b", "type": "send", "channel": "email", "template": "t1" },
          { "id": "c", "type": "delay", "duration": "2h", "next": "d" },
          { "id": "d", "type": "exit", "reason": "done" } ]
        """);

    private static readonly Profile Alice = Customer();

    private static JourneyState StateNamed(string name)
    {
        var created = NewState(Table, Alice);
        return name switch
        {
            "created" => created,
            "waitingForEvent" => created with { Status = JourneyStatus.WaitingForEvent, Node = "a", Wait = new PendingWait(T.AddHours(1)), EnteredAt = T },
            "awaitingProfile:b" => created with { Status = JourneyStatus.AwaitingProfile, Node = "b", EnteredAt = T },
            "awaitingProfile:c" => created with { Status = JourneyStatus.AwaitingProfile, Node = "c", EnteredAt = T },
            "waitingForTime" => created with { Status = JourneyStatus.WaitingForTime, Node = "c", Wait = new PendingWait(T.AddHours(3)), EnteredAt = T },
            "completed" => created with { Status = JourneyStatus.Completed, Node = "b", Reason = "reached the end of the journey", EnteredAt = T },
            "otherVersion" => created with { Version = 2 },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static JourneyInput InputNamed(string name) => name switch
    {
        "start" => new Started(null, Alice),
        "timer" => TimerFired.Instance,
        "timeout" => WaitTimedOut.Instance,
        "paid" => new EventArrived(Event("Paid", T.AddMinutes(30))),
        "other" => new EventArrived(Event("Browsed", T.AddMinutes(30))),
        "profile" => new ProfileSnapshot(Alice),
        "result" => new SendResult("msg_unknown", SendOutcome.Delivered),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData("created", "start", 0, JourneyStatus.WaitingForEvent, "WaitForEvent")]
    [InlineData("created", "timer", 0, JourneyStatus.Created, "")]
    [InlineData("created", "paid", 0, JourneyStatus.Created, "")]
    [InlineData("waitingForEvent", "paid", 30, JourneyStatus.AwaitingProfile, "FetchProfile")]
    [InlineData("waitingForEvent", "other", 30, JourneyStatus.WaitingForEvent, "")]
    [InlineData("waitingForEvent", "timeout", 60, JourneyStatus.AwaitingProfile, "FetchProfile")]
    [InlineData("waitingForEvent", "timeout", 59, JourneyStatus.WaitingForEvent, "WaitForEvent")]
    [InlineData("waitingForEvent", "timer", 60, JourneyStatus.AwaitingProfile, "FetchProfile")]
    [InlineData("waitingForEvent", "start", 10, JourneyStatus.WaitingForEvent, "")]
    [InlineData("awaitingProfile:b", "profile", 30, JourneyStatus.Completed, "Send Complete")]
    [InlineData("awaitingProfile:c", "profile", 60, JourneyStatus.WaitingForTime, "WaitUntil")]
    [InlineData("awaitingProfile:b", "timer", 30, JourneyStatus.AwaitingProfile, "")]
    [InlineData("waitingForTime", "timer", 179, JourneyStatus.WaitingForTime, "WaitUntil")]
    [InlineData("waitingForTime", "timer", 180, JourneyStatus.AwaitingProfile, "FetchProfile")]
    [InlineData("waitingForTime", "timeout", 180, JourneyStatus.WaitingForTime, "")]
    [InlineData("waitingForTime", "profile", 100, JourneyStatus.WaitingForTime, "")]
    [InlineData("completed", "paid", 30, JourneyStatus.Completed, "")]
    [InlineData("completed", "timer", 300, JourneyStatus.Completed, "")]
    [InlineData("completed", "result", 300, JourneyStatus.Completed, "")]
    [InlineData("otherVersion", "start", 0, JourneyStatus.Created, "")]
    public void Decide_Transition(string state, string input, int minutes, JourneyStatus status, string commands)
    {
        var decision = JourneyEngine.Decide(Table, StateNamed(state), InputNamed(input), T.AddMinutes(minutes), PolicyContext.Default);

        Assert.Equal(status, decision.State.Status);
        Assert.Equal(commands, string.Join(" ", decision.Commands.Select(c => c.GetType().Name)));
        Assert.NotEmpty(decision.Log); // every decision, even a no-op, says what it did
    }

    [Fact]
    public void Decide_TimeOutThenDelay_WalksToTheExitNodeWithItsReason()
    {
        var driver = new TestDriver(Table, Alice);
        driver.Start(null, T);
        driver.Wake(); // time-out → delay 2h
        driver.Wake(); // delay over → exit node

        Assert.Equal(JourneyStatus.Exited, driver.State.Status);
        Assert.Equal("done", driver.State.Reason);
        Assert.Equal(new Exit("done"), driver.Commands[^1]);
    }

    // ---------------------------------------------------------------- abandoned cart

    private static readonly JourneyDefinition Cart = Samples.Load("abandoned-cart");

    [Fact]
    public void AbandonedCart_PurchaseWithinTheHour_SendsNoReminderAndExits()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(T), T);
        Assert.Equal(T.AddHours(1), driver.WakeAt);

        driver.Feed(new EventArrived(Purchase(T.AddMinutes(40))), T.AddMinutes(40));

        Assert.Empty(driver.Sends);
        Assert.Equal(JourneyStatus.Exited, driver.State.Status);
        Assert.Equal("exit event: Order Completed", driver.State.Reason);
        Assert.Equal(T.AddMinutes(40), driver.State.GoalReachedAt);
        Assert.Equal("cart-1", driver.State.BusinessKey);
    }

    [Fact]
    public void AbandonedCart_NoPurchase_SendsTheEmailReminderThenTheSmsCoupon()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(T), T);

        driver.Wake();
        var email = Assert.Single(driver.Sends);
        Assert.Equal((Channel.Email, "cart-reminder-email", (string?)null, T.AddHours(1)), (email.Channel, email.Template, email.Offer, email.NotBefore));
        Assert.Equal(T.AddHours(25), driver.WakeAt);

        driver.Wake();
        var sms = driver.Sends.Last();
        Assert.Equal((Channel.Sms, "cart-coupon-sms", "CART-10"), (sms.Channel, sms.Template, sms.Offer));
        Assert.Contains(driver.Commands, c => c is UpdateProfile { RecordOffer: "CART-10" });
        Assert.Equal(JourneyStatus.Completed, driver.State.Status);
        Assert.Equal(2, driver.Sends.Select(s => s.MessageId).Distinct().Count());
        Assert.All(driver.Sends, s => Assert.Equal(driver.State.Customer, s.Recipient));
    }

    [Fact]
    public void AbandonedCart_ConsentWithdrawnMidWay_ExitsWithTheReason()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(T), T);
        driver.Wake(); // email sent, waiting a day

        driver.Feed(new EventArrived(ConsentChange("sms", granted: false, T.AddHours(5))), T.AddHours(5));

        Assert.Equal(JourneyStatus.Exited, driver.State.Status);
        Assert.Equal("consent withdrawn: marketing.sms", driver.State.Reason);
        Assert.Single(driver.Sends);
        Assert.Contains(driver.Log, l => l.Outcome == StepOutcome.Exited && l.Detail == "consent withdrawn: marketing.sms");
    }

    [Fact]
    public void AbandonedCart_ConsentWithdrawnSeenInTheProfileOnWaking_ExitsBeforeSending()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(T), T);
        driver.Profile = WithConsent(driver.Profile, "email", granted: false, T.AddMinutes(20));

        driver.Wake();

        Assert.Empty(driver.Sends);
        Assert.Equal("consent withdrawn: marketing.email", driver.State.Reason);
    }

    [Fact]
    public void AbandonedCart_NoEmailConsent_FallsBackToPush()
    {
        var driver = new TestDriver(Cart, Customer(consent: ["push", "sms"]));
        driver.Start(CartAdd(T), T);

        driver.Wake();

        var send = Assert.Single(driver.Sends);
        Assert.Equal(Channel.Push, send.Channel);
        Assert.Contains(driver.Log, l => l.Outcome == StepOutcome.Sent && l.Detail.Contains("instead of email", StringComparison.Ordinal));
    }

    [Fact]
    public void AbandonedCart_NoConsentAtAll_SuppressesButGoesOn()
    {
        var driver = new TestDriver(Cart, Customer(consent: []));
        driver.Start(CartAdd(T), T);

        driver.Wake();

        Assert.Empty(driver.Sends);
        Assert.Equal(JourneyStatus.WaitingForEvent, driver.State.Status); // on to the day-long wait
        Assert.Contains(driver.Log, l => l.Outcome == StepOutcome.Suppressed && l.Reason == SuppressionReasons.NoConsent);
    }

    [Fact]
    public void AbandonedCart_LateAtNight_DefersTheReminderToTheEndOfQuietHours()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(Times.LateEvening), Times.LateEvening);

        driver.Wake(); // 23:30 local: quiet hours
        Assert.Empty(driver.Sends);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.FromHours(8)), driver.WakeAt);
        Assert.Contains(driver.Log, l => l.Outcome == StepOutcome.Deferred && l.Reason == SuppressionReasons.QuietHours);

        driver.Wake();
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.FromHours(8)), Assert.Single(driver.Sends).NotBefore);
    }

    [Fact]
    public void AbandonedCart_MessageIds_DeriveFromInstanceNodeAndAttempt()
    {
        var a = new TestDriver(Cart, Customer());
        var b = new TestDriver(Cart, Customer());
        foreach (var d in new[] { a, b })
        {
            d.Start(CartAdd(T), T);
            d.Wake();
        }

        var send = Assert.Single(a.Sends);
        Assert.Equal(send.MessageId, Assert.Single(b.Sends).MessageId);
        Assert.Equal(JourneyIds.Message(a.State.InstanceId, "email-reminder", 1), send.MessageId);
        Assert.Equal($"{a.State.InstanceId}:email-reminder:1", send.IdempotencyKey);
    }

    [Fact]
    public void AbandonedCart_MaxDuration_EndsAnInstanceThatWaitsTooLong()
    {
        var d = Cart with { MaxDuration = TimeSpan.FromMinutes(30) };
        var driver = new TestDriver(d, Customer());
        driver.Start(CartAdd(T), T);
        Assert.Equal(T.AddMinutes(30), driver.WakeAt); // the wait is clamped to the deadline

        driver.Wake();

        Assert.Equal(JourneyStatus.Exited, driver.State.Status);
        Assert.Equal("maximum duration of 30m reached", driver.State.Reason);
    }

    [Fact]
    public void Decide_EventBeforeEntry_IsIgnored()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(T), T);

        var decision = driver.Feed(new EventArrived(Purchase(T.AddMinutes(-5))), T.AddMinutes(1));

        Assert.Equal(JourneyStatus.WaitingForEvent, decision.State.Status);
        Assert.Equal(StepOutcome.Ignored, Assert.Single(decision.Log).Outcome);
    }

    [Fact]
    public void Decide_SendResult_IsLoggedAgainstItsStepEvenAfterCompletion()
    {
        var driver = new TestDriver(Minimal("""[ { "id": "a", "type": "send", "channel": "email", "template": "t" } ]"""), Customer());
        driver.Start(null, T);
        var send = Assert.Single(driver.Sends);

        var decision = driver.Feed(new SendResult(send.MessageId, SendOutcome.Failed, "mailbox full"), T.AddMinutes(1));

        var line = Assert.Single(decision.Log);
        Assert.Equal((StepOutcome.DeliveryFailed, "a"), (line.Outcome, line.Node));
        Assert.Contains("mailbox full", line.Detail, StringComparison.Ordinal);
        Assert.Equal(JourneyStatus.Completed, decision.State.Status);
    }

    [Fact]
    public void Decide_EntryConditionFails_ExitsAtOnce()
    {
        var d = Samples.Load("new-customer-first-order");
        var driver = new TestDriver(d, Customer(orders: 3, lastOrderAt: T.AddDays(-3)));

        driver.Start(Event("Identify", T, null, EventType.Identify), T);

        Assert.Equal(JourneyStatus.Exited, driver.State.Status);
        Assert.Equal("entry condition not met", driver.State.Reason);
        Assert.Contains(driver.Log, l => l.Outcome == StepOutcome.NotEligible);
    }

    [Fact]
    public void Decide_ChurnRisk_PicksTheRemedyForTheReason()
    {
        var d = Samples.Load("churn-risk-retention");
        var complaint = new TestDriver(d, Customer("c1", tags: ["complainer"], tier: "churn_risk"));
        var price = new TestDriver(d, Customer("c2", tags: ["price_sensitive"], tier: "churn_risk"));
        complaint.Start(null, T);
        price.Start(null, T);

        Assert.Equal(("retention-apology-email", "COMP-30"), (Assert.Single(complaint.Sends).Template, complaint.Sends.Single().Offer));
        Assert.Equal(("retention-coupon-sms", "SAVE-20"), (Assert.Single(price.Sends).Template, price.Sends.Single().Offer));
    }

    [Fact]
    public void Decide_Birthday_WaitsForTheDayAtNineLocal()
    {
        var d = Samples.Load("birthday");
        var driver = new TestDriver(d, Customer(traits: [("birthday", "1990-03-06")]));

        driver.Start(null, T); // 2 March, noon: the week-before email goes at the best hour within 12h

        Assert.Contains(driver.Log, l => l.Outcome == StepOutcome.Deferred && l.Reason == SuppressionReasons.BestTime);
        driver.Wake();
        Assert.Single(driver.Sends);
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.FromHours(8)), driver.WakeAt);
        driver.Wake();
        Assert.Equal("birthday-greeting-sms", driver.Sends.Last().Template);
        Assert.Equal(JourneyStatus.Completed, driver.State.Status);
    }

    [Fact]
    public void Decide_MembershipExpiry_WaitsUntilSevenDaysBefore()
    {
        var d = Samples.Load("membership-expiry");
        var driver = new TestDriver(d, Customer(traits: [("membershipExpiry", "2026-03-20")]));

        driver.Start(null, T);

        Assert.Equal(new DateTimeOffset(2026, 3, 13, 10, 0, 0, TimeSpan.FromHours(8)), driver.WakeAt);
    }

    [Fact]
    public void Decide_MembershipExpiry_WithoutTheDate_Exits()
    {
        var d = Samples.Load("membership-expiry");
        var driver = new TestDriver(d with { Entry = new ApiEntry() }, Customer()); // started by hand: no entry condition

        driver.Start(null, T);

        Assert.Equal(JourneyStatus.Exited, driver.State.Status);
        Assert.Equal("the profile has no upcoming membershipExpiry", driver.State.Reason);
    }

    [Fact]
    public void Decide_RandomSplitHoldout_ExitsAsControlAndSendsNothing()
    {
        var d = Minimal("""
            [ { "id": "a", "type": "randomSplit", "arms": [ { "name": "x", "weight": 0, "next": "s" } ], "holdout": { "weight": 1 } },
              { "id": "s", "type": "send", "channel": "email", "template": "t" } ]
            """);
        var driver = new TestDriver(d, Customer());

        driver.Start(null, T);

        Assert.Empty(driver.Sends);
        Assert.Equal("control holdout", driver.State.Reason);
    }

    [Fact]
    public void Decide_UpdateProfile_IsSeenByLaterBranchesInTheSameStep()
    {
        var d = Minimal("""
            [ { "id": "a", "type": "updateProfile", "setTags": { "vip": "yes" }, "next": "b" },
              { "id": "b", "type": "branch", "if": { "tag": "vip", "op": "==", "value": "yes" }, "then": "c" },
              { "id": "c", "type": "goal", "name": "tagged" } ]
            """);
        var driver = new TestDriver(d, Customer());

        driver.Start(null, T);

        Assert.Equal(T, driver.State.GoalReachedAt);
        Assert.Equal("vip", Assert.Single(Assert.IsType<UpdateProfile>(driver.Commands[0]).SetTags).Key);
    }

    [Fact]
    public void Decide_WaitUntilWeekdayWindow_WaitsForTheNextOpenSlot()
    {
        // Monday 2 March 2026, 12:00 local; the window is Saturday and Sunday 10:00–12:00.
        var d = Minimal("""
            [ { "id": "a", "type": "waitUntil", "days": ["sat", "sun"], "window": { "from": "10:00", "to": "12:00" }, "next": "b" },
              { "id": "b", "type": "goal" } ]
            """);
        var driver = new TestDriver(d, Customer());

        driver.Start(null, T);

        Assert.Equal(new DateTimeOffset(2026, 3, 7, 10, 0, 0, TimeSpan.FromHours(8)), driver.WakeAt);
    }

    [Fact]
    public void Decide_TriggerCondition_ReadsTheValueKeptFromTheTrigger()
    {
        var d = Definition("""
            { "id": "t", "version": 1, "name": "T", "entry": { "type": "event", "event": { "name": "Product Added" } }, "start": "wait",
              "nodes": [ { "id": "wait", "type": "delay", "duration": "1h", "next": "big" },
                         { "id": "big", "type": "branch", "if": { "trigger": "properties.price", "op": ">=", "value": 100 }, "then": "g" },
                         { "id": "g", "type": "goal", "name": "big cart" } ] }
            """);
        var driver = new TestDriver(d, Customer());

        driver.Start(Event("Product Added", T, """{"price":120,"sku":"X"}"""), T);
        Assert.Equal("120", driver.State.Trigger["properties.price"]);
        Assert.DoesNotContain("properties.sku", driver.State.Trigger.Keys); // only what conditions read is kept
        driver.Wake();

        Assert.NotNull(driver.State.GoalReachedAt);
    }

    [Fact]
    public void State_RoundTripsThroughJson()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(T), T);
        driver.Wake();

        var json = JsonSerializer.Serialize(driver.State, DomainJson.Options);
        var back = JsonSerializer.Deserialize<JourneyState>(json, DomainJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, DomainJson.Options));
        Assert.Equal(driver.State.InstanceId, back.InstanceId);
        Assert.Equal(driver.State.Wait, back.Wait);
        Assert.Equal(driver.State.LastSend, back.LastSend);
        Assert.True(json.Length < 1_000, json);
    }

    [Fact]
    public void StepLog_ReadsAsPlainSentences()
    {
        var driver = new TestDriver(Cart, Customer(consent: []));
        driver.Start(CartAdd(T), T);
        driver.Wake();

        var lines = driver.Log.Select(l => l.ToString()).ToList();

        Assert.Contains(lines, l => l.Contains("Started: entered Abandoned cart (v1) on Product Added (cart-1)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("wait-for-purchase Waiting: waiting up to 1h for Order Completed or order_paid", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("email-reminder Suppressed: email cart-reminder-email not sent: no marketing consent on email, push; the journey goes on [no-consent]", StringComparison.Ordinal));
    }

    [Fact]
    public void Admission_RedeliveredTrigger_StartsNothing_AndReEntryRulesHold()
    {
        var alice = Customer();
        var first = Assert.IsType<Admitted>(JourneyAdmission.Admit(Cart, alice.Id, CartAdd(T, "cart-9"), T, []));
        var previous = new List<InstanceSummary> { new(first.State.InstanceId, "cart-9", T, Finished: false) };

        Assert.IsType<Refused>(JourneyAdmission.Admit(Cart, alice.Id, CartAdd(T, "cart-9"), T, previous));
        Assert.Contains("still active", Assert.IsType<Refused>(JourneyAdmission.Admit(Cart, alice.Id, CartAdd(T.AddDays(1), "cart-10"), T.AddDays(1), previous)).Reason, StringComparison.Ordinal);
        previous[0] = previous[0] with { Finished = true };
        Assert.Contains("cool-down", Assert.IsType<Refused>(JourneyAdmission.Admit(Cart, alice.Id, CartAdd(T.AddDays(1), "cart-10"), T.AddDays(1), previous)).Reason, StringComparison.Ordinal);
        Assert.IsType<Admitted>(JourneyAdmission.Admit(Cart, alice.Id, CartAdd(T.AddDays(4), "cart-11"), T.AddDays(4), previous));

        var distinct = Cart with { ReEntry = ReEnterWithDistinctKey.Instance };
        Assert.IsType<Admitted>(JourneyAdmission.Admit(distinct, alice.Id, CartAdd(T.AddMinutes(1), "cart-10"), T, previous));
        Assert.Contains("business key", Assert.IsType<Refused>(JourneyAdmission.Admit(distinct, alice.Id, Event("Product Added", T), T, previous)).Reason, StringComparison.Ordinal);
        Assert.IsType<Refused>(JourneyAdmission.Admit(Cart with { ReEntry = NeverReEnter.Instance }, alice.Id, CartAdd(T, "cart-12"), T, previous));
    }

    [Fact]
    public void Wants_OnlyEventsThatCanChangeTheInstance()
    {
        var driver = new TestDriver(Cart, Customer());
        driver.Start(CartAdd(T), T);

        Assert.True(JourneyEngine.Wants(Cart, driver.State, Purchase(T.AddMinutes(1))));
        Assert.True(JourneyEngine.Wants(Cart, driver.State, ConsentChange("sms", false, T.AddMinutes(1))));
        Assert.False(JourneyEngine.Wants(Cart, driver.State, Event("Product Detail", T.AddMinutes(1))));
        Assert.False(JourneyEngine.Wants(Cart, driver.State with { Status = JourneyStatus.Completed }, Purchase(T.AddMinutes(1))));
    }

    [Fact]
    public void Decide_IsFastAndLight()
    {
        // Not a benchmark (that is `bench journeys`): a guard that a plain wait step stays far from the 1M/s goal's limit.
        var state = NewState(Table, Alice) with { Status = JourneyStatus.WaitingForEvent, Node = "a", Wait = new PendingWait(T.AddHours(1)), EnteredAt = T };
        var input = new EventArrived(Event("Browsed", T.AddMinutes(5)));
        for (var i = 0; i < 10_000; i++)
        {
            JourneyEngine.Decide(Table, state, input, T.AddMinutes(5), PolicyContext.Default);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 100_000;
        for (var i = 0; i < n; i++)
        {
            JourneyEngine.Decide(Table, state, input, T.AddMinutes(5), PolicyContext.Default);
        }
        var perDecision = (GC.GetAllocatedBytesForCurrentThread() - before) / n;

        Assert.True(perDecision < 1_500, $"{perDecision} bytes per decision");
    }
}
