using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Lodestar.Functions.Journeys;

/// <summary>The journey routes, the same as the standalone host's; <see cref="JourneyApi"/> does the work.</summary>
public sealed class JourneyHttpFunctions(JourneyApi api)
{
    [Function("ListJourneys")]
    public Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "journeys")] HttpRequest request, CancellationToken cancellationToken) =>
        IngestHttpFunctions.Answer(api.List(request, cancellationToken));

    [Function("PublishJourney")]
    public Task<IActionResult> Publish(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "journeys")] HttpRequest request, CancellationToken cancellationToken) =>
        IngestHttpFunctions.Answer(api.Publish(request, cancellationToken));

    [Function("CustomerJourneys")]
    public Task<IActionResult> Customer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{id}/journeys")] HttpRequest request, string id,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        IngestHttpFunctions.Answer(api.Customer(request, id, client, cancellationToken));
}
