using Lodestar.Api;
using Lodestar.Customers;
using Lodestar.Journeys.Driving;

namespace Lodestar.Standalone.Journeys;

/// <summary>
/// Journeys over HTTP on the standalone host: publish (problem+json with a pointer per error when invalid), list, and a
/// customer's instances with their step log. Write-key authentication as on every other route.
/// </summary>
public sealed class JourneyApi(JourneyCatalog catalog, IJourneyStore store, string writeKey)
{
    private const int MaxBody = 1 << 20;

    public async Task<ApiResult> Publish(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, writeKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (request.ContentLength > MaxBody)
        {
            return Problems.TooLarge(request, MaxBody);
        }
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(cancellationToken);
        var (parsed, outcome) = await catalog.PublishAsync(json, cancellationToken);
        return JourneyAnswers.Published(request, parsed, outcome);
    }

    public async Task<ApiResult> List(HttpRequest request, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, writeKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        var all = await store.DefinitionsAsync(cancellationToken);
        return ApiResult.Ok(new
        {
            journeys = all.GroupBy(p => p.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new
            {
                id = g.Key,
                latest = g.Max(p => p.Version),
                name = g.MaxBy(p => p.Version)!.Name,
                versions = g.Select(p => new { version = p.Version, publishedAt = p.PublishedAt }),
            }),
        });
    }

    public async Task<ApiResult> Customer(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, writeKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (!CustomerId.TryParse(id, out var customer))
        {
            return Problems.Validation(request, [new("/id", "must be a customer id: c_ followed by 16 lower-case hex digits")]);
        }
        return ApiResult.Ok(View(await store.CustomerAsync(customer, 500, cancellationToken)));
    }

    /// <summary>The readable shape of a customer's journeys (HTTP and <c>journey log --json</c>).</summary>
    public static object View(CustomerJourneys c) => new
    {
        customer = c.Customer.Value,
        instances = c.Instances.Select(i => new
        {
            instanceId = i.State.InstanceId,
            journey = i.State.JourneyId,
            version = i.State.Version,
            status = i.State.Status.ToString(),
            node = i.State.Node,
            businessKey = i.State.BusinessKey,
            enteredAt = i.State.EnteredAt,
            wakeAt = i.WakeAt,
            reason = i.State.Reason,
        }),
        log = c.Log.Select(e => new { at = e.At, instanceId = e.InstanceId, node = e.Node, outcome = e.Outcome.ToString(), detail = e.Detail, reason = e.Reason, text = e.ToString() }),
    };
}
