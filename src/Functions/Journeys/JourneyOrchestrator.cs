using System.Collections.Immutable;
using System.Text.Json;
using Lodestar.Events;
using Lodestar.Journeys;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Lodestar.Functions.Journeys;

/// <summary>
/// An orchestration's input: the definition version it runs on (its JSON, so a newer publication never changes it), the
/// instance state, and for a new instance its trigger. All <see cref="DomainJson"/> strings.
/// </summary>
public sealed record JourneyRun(string DefinitionJson, string StateJson, string? TriggerJson = null)
{
    /// <summary>The latest step log lines, carried over <c>ContinueAsNew</c> so that the custom status keeps them.</summary>
    public IReadOnlyList<StepLogView>? Log { get; init; }
}

/// <summary>
/// The Durable journey driver: a generic loop around the pure engine. Read the orchestration clock, decide, perform the
/// commands (durable timer and event waits, activities for I/O), loop; ContinueAsNew every <see cref="StepsPerHistory"/>
/// waits keeps the history short. Deterministic: time is <c>CurrentUtcDateTime</c>, every id comes from the engine.
/// </summary>
public static class JourneyOrchestrator
{
    public const string Name = nameof(JourneyOrchestrator);

    /// <summary>The one external event name: ingest raises every customer event under it; the engine picks what it wants.</summary>
    public const string EventName = "CustomerEvent";

    public const int StepsPerHistory = 20;

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(5), 2.0));

    [Function(Name)]
    public static async Task<string> Run([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        var run = context.GetInput<JourneyRun>() ?? throw new InvalidOperationException("no journey input");
        var definition = JourneyCatalog.Parse(run.DefinitionJson);
        var state = Read<JourneyState>(run.StateJson);
        // After ContinueAsNew the ledger is unknown (version -1): the engine fetches the profile on every wake, and a send
        // decided on a stale ledger is refused by the Send activity and decided again.
        IReadOnlyList<StepLogView> log = run.Log ?? [];
        var customer = state.Status == JourneyStatus.Created ? await LoadAsync(context, state) : new CustomerContext(null, [], -1);
        var input = state.Status == JourneyStatus.Created
            ? new Started(run.TriggerJson is null ? null : Read<CustomerEvent>(run.TriggerJson), customer.Profile!)
            : await WaitAsync(context, definition, state);
        for (var waits = 0; ;)
        {
            var policy = new PolicyContext { History = customer.History };
            var decision = JourneyEngine.Decide(definition, state, input, new DateTimeOffset(context.CurrentUtcDateTime), policy);
            var sends = decision.Commands.OfType<Send>().ToImmutableArray();
            SendBatchResult? sent = null;
            if (!sends.IsEmpty)
            {
                // No per-channel rate slots are shared between orchestrations, so a slot later than now only spaces the
                // sends of one decision; it is kept with a durable timer.
                var slot = sends.Max(s => s.NotBefore).UtcDateTime;
                if (slot > context.CurrentUtcDateTime)
                {
                    await context.CreateTimer(slot, CancellationToken.None);
                }
                sent = Read<SendBatchResult>(await context.CallActivityAsync<string>(JourneyActivities.SendName,
                    Write(new SendBatch(state.Customer, customer.LedgerVersion, sends, state.InstanceId)), Retry));
                if (!sent.Recorded)
                {
                    customer = await LoadAsync(context, state);   // another instance sent meanwhile: decide again on the new ledger
                    continue;
                }
            }
            state = decision.State;
            log = JourneyStatusView.Append(log, decision.Log);
            if (sent is not null && sent.Receipts.FirstOrDefault(r => r.MessageId == state.LastSend?.MessageId) is { } receipt)
            {
                // The engine takes the provider's receipt for its latest send as a SendResult: it logs it (delivered, or
                // failed/rejected with the reason) at the send's node and changes nothing else.
                var result = JourneyEngine.Decide(definition, state, receipt.ToSendResult(), new DateTimeOffset(context.CurrentUtcDateTime), policy);
                state = result.State;
                log = JourneyStatusView.Append(log, result.Log);
            }
            context.SetCustomStatus(JourneyStatusView.Of(state, log));
            JourneyInput? next = null;
            foreach (var command in decision.Commands)
            {
                switch (command)
                {
                    case FetchProfile:
                        customer = await LoadAsync(context, state);
                        next = new ProfileSnapshot(customer.Profile!);
                        break;
                    case UpdateProfile update:
                        await context.CallActivityAsync(JourneyActivities.UpdateProfileName, Write(update), Retry);
                        break;
                    case Complete or Exit:
                        return Write(state);
                }
            }
            if (next is null && ++waits >= StepsPerHistory)
            {
                context.ContinueAsNew(run with { StateJson = Write(state), TriggerJson = null, Log = log });
                return Write(state);
            }
            input = next ?? await WaitAsync(context, definition, state);
        }
    }

    /// <summary>
    /// Waits as the state says (a time, or an event until a time-out), listening for the customer's events in both cases so
    /// that exit criteria apply during delays too. Events the engine does not want are dropped and the wait goes on.
    /// </summary>
    private static async Task<JourneyInput> WaitAsync(TaskOrchestrationContext context, JourneyDefinition definition, JourneyState state)
    {
        var wait = state.Wait ?? throw new InvalidOperationException($"instance {state.InstanceId} is {state.Status} without a wait");
        while (true)
        {
            var left = wait.Until.UtcDateTime - context.CurrentUtcDateTime;
            if (left <= TimeSpan.Zero)
            {
                return state.Status == JourneyStatus.WaitingForEvent ? WaitTimedOut.Instance : TimerFired.Instance;
            }
            string json;
            try
            {
                // The time-out is a durable timer; on time-out the waiter is cancelled and await throws TaskCanceledException.
                json = await context.WaitForExternalEvent<string>(EventName, left);
            }
            catch (OperationCanceledException)
            {
                return state.Status == JourneyStatus.WaitingForEvent ? WaitTimedOut.Instance : TimerFired.Instance;
            }
            var e = Read<CustomerEvent>(json);
            if (JourneyEngine.Wants(definition, state, e))
            {
                return new EventArrived(e);
            }
        }
    }

    private static async Task<CustomerContext> LoadAsync(TaskOrchestrationContext context, JourneyState state) =>
        Read<CustomerContext>(await context.CallActivityAsync<string>(JourneyActivities.LoadCustomerName, state.Customer.Value, Retry));

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, DomainJson.Options)!;

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, DomainJson.Options);
}
