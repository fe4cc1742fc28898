using System.Text.Json;
using Lodestar.Customers;
using Lodestar.Events;
using Lodestar.Journeys;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Lodestar.Functions.Journeys;

/// <summary>
/// The ingest hook: given events that ingestion accepted (with the customer each resolved to), starts an instance of every
/// published journey an event triggers, and raises the event to the customer's running instances, which let the engine
/// decide whether it wants it. Idempotent: the orchestration id derives from (customer, journey, business key), so a
/// redelivered trigger finds its instance and starts nothing.
/// </summary>
public sealed class JourneyTriggers(JourneyCatalog catalog)
{
    /// <summary>The orchestration id: the customer first, so that a prefix query finds a customer's instances.</summary>
    public static string OrchestrationId(CustomerId customer, string instanceId) => $"{customer.Value}|{instanceId}";

    public async Task<int> OnAcceptedAsync(DurableTaskClient client, IReadOnlyList<(CustomerEvent Event, CustomerId Customer)> accepted,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = 0;
        var journeys = accepted.Count == 0 ? [] : await catalog.LatestAsync(cancellationToken);
        foreach (var (e, customer) in accepted)
        {
            var running = new List<string>();
            var query = new OrchestrationQuery { InstanceIdPrefix = customer.Value + "|", Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending] };
            await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
            {
                running.Add(instance.InstanceId);
            }
            // Without the sealed phone and email (docs/adr/0007): the payload is kept in the orchestrations' history.
            var payload = JsonSerializer.Serialize(e with { Ids = [.. e.Ids.Select(i => i with { Sealed = null })] }, DomainJson.Options);
            foreach (var id in running)
            {
                await client.RaiseEventAsync(id, JourneyOrchestrator.EventName, payload, cancellationToken);
            }
            foreach (var (definition, json, _) in journeys)
            {
                if (JourneyAdmission.Triggers(definition, e)
                    && JourneyAdmission.Admit(definition, customer, e, now, []) is Admitted admitted
                    && await StartAsync(client, json, admitted.State, payload, cancellationToken))
                {
                    started++;
                }
            }
        }
        return started;
    }

    /// <summary>Starts the instance unless its id already exists (running or finished): the same trigger never starts two.</summary>
    public static async Task<bool> StartAsync(DurableTaskClient client, string definitionJson, JourneyState state, string? triggerJson,
        CancellationToken cancellationToken)
    {
        var id = OrchestrationId(state.Customer, state.InstanceId);
        if (await client.GetInstanceAsync(id, cancellationToken) is not null)
        {
            return false;
        }
        var run = new JourneyRun(definitionJson, JsonSerializer.Serialize(state, DomainJson.Options), triggerJson);
        await client.ScheduleNewOrchestrationInstanceAsync(JourneyOrchestrator.Name, run, new StartOrchestrationOptions(id), cancellationToken);
        return true;
    }
}
