using Lodestar.Api;
using Lodestar.Customers;
using Lodestar.Journeys;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace Lodestar.Functions.Journeys;

/// <summary>
/// The journey routes of the Functions app, with the standalone host's paths, authentication (write key) and answers:
/// the catalog the app runs, publishing (problem+json with a pointer per error when invalid; 501 where the store keeps no
/// definitions), and a customer's orchestrations with the status and step log the orchestrator keeps in its custom status.
/// </summary>
public sealed class JourneyApi(JourneyCatalog catalog, ApiSecrets secrets, MessageTemplates templates)
{
    private const int MaxBody = 1 << 20;

    public async Task<ApiResult> List(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        var all = await catalog.AllAsync(cancellationToken);
        return ApiResult.Ok(new
        {
            journeys = all.GroupBy(j => j.Definition.Id, StringComparer.Ordinal).Select(g => new
            {
                id = g.Key,
                latest = g.Max(j => j.Definition.Version),
                name = g.MaxBy(j => j.Definition.Version)!.Definition.Name,
                versions = g.Select(j => new { version = j.Definition.Version, publishedAt = j.PublishedAt }),
            }),
        });
    }

    public async Task<ApiResult> Publish(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (request.ContentLength > MaxBody)
        {
            return Problems.TooLarge(request, MaxBody);
        }
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(cancellationToken);
        var validation = new JourneyValidationOptions(templates.Catalog?.KnownIds);
        if (!catalog.CanPublish)
        {
            var parsed = JourneyReader.Parse(json, validation);
            return parsed.IsValid
                ? Unavailable.Answer(request, "publishing needs a store that keeps journey definitions (the Cosmos DB journeys container, or the "
                    + "SQLite store); deploy the definition in the folder named by Lodestar__JourneysPath instead")
                : Problems.Validation(request, parsed.Errors);
        }
        var (result, outcome) = await catalog.PublishAsync(json, validation, cancellationToken);
        return JourneyAnswers.Published(request, result, outcome);
    }

    /// <summary>The customer's orchestrations (found by the id prefix <see cref="JourneyTriggers.OrchestrationId"/> gives them), newest first.</summary>
    public async Task<ApiResult> Customer(HttpRequest request, string id, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, secrets.WriteKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (!CustomerId.TryParse(id, out var customer))
        {
            return Problems.Validation(request, [new("/id", "must be a customer id: c_ followed by 16 lower-case hex digits")]);
        }
        var prefix = JourneyTriggers.OrchestrationId(customer, "");
        var instances = new List<(OrchestrationMetadata Metadata, JourneyStatusView? View)>();
        var query = new OrchestrationQuery { InstanceIdPrefix = prefix, FetchInputsAndOutputs = true };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            instances.Add((instance, instance.SerializedCustomStatus is null ? null : instance.ReadCustomStatusAs<JourneyStatusView>()));
        }
        instances.Sort((a, b) => b.Metadata.CreatedAt.CompareTo(a.Metadata.CreatedAt));
        return ApiResult.Ok(new
        {
            customer = customer.Value,
            instances = instances.Select(i => new
            {
                instanceId = i.View?.InstanceId ?? i.Metadata.InstanceId[prefix.Length..],
                orchestrationId = i.Metadata.InstanceId,
                runtimeStatus = i.Metadata.RuntimeStatus.ToString(),
                journey = i.View?.Journey,
                version = i.View?.Version,
                status = i.View?.Status,
                node = i.View?.Node,
                businessKey = i.View?.BusinessKey,
                enteredAt = i.View?.EnteredAt,
                wakeAt = i.View?.WakeAt,
                reason = i.View?.Reason,
                createdAt = i.Metadata.CreatedAt,
                lastUpdatedAt = i.Metadata.LastUpdatedAt,
            }),
            log = instances.Where(i => i.View is not null)
                .SelectMany(i => i.View!.Log.Select(l => new { at = l.At, instanceId = i.View.InstanceId, node = l.Node, outcome = l.Outcome, detail = l.Detail, reason = l.Reason, text = l.Text }))
                .OrderBy(l => l.at),
        });
    }
}
