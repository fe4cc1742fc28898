using Lodestar.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Lodestar.Functions;

/// <summary>
/// The feedback routes, the same as the standalone host's: Event Grid (ACS delivery, engagement and inbound-SMS reports,
/// with both validation handshakes), push and mini-program delivery callbacks, unsubscribe links, and campaign metrics.
/// Anonymous at the platform: the shared handlers check the write key, the callback signature or the signed token, as in
/// the standalone host. Reports become customer events on Event Hubs, so the trigger lands them on the profile and wakes
/// the journeys waiting for them. A handler is missing when the customer store lacks its port (the Cosmos DB store has no
/// delivery ledger yet): its route then answers 501 problem+json.
/// </summary>
public sealed class FeedbackHttpFunctions(EventGridApi? eventGrid = null, UnsubscribeApi? unsubscribe = null, CampaignApi? campaigns = null)
{
    private const string NoLedger = "delivery feedback needs the delivery ledger, which this deployment's customer store does not keep";

    [Function("EventGridWebhook")]
    public Task<IActionResult> EventGrid(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/eventgrid")] HttpRequest request, CancellationToken cancellationToken) =>
        eventGrid is null ? Missing(request, NoLedger) : IngestHttpFunctions.Answer(eventGrid.Receive(request, cancellationToken));

    /// <summary>The CloudEvents abuse-protection handshake: performs nothing, so it needs no key and no ledger.</summary>
    [Function("EventGridHandshake")]
    public IActionResult EventGridHandshake(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "webhooks/eventgrid")] HttpRequest request) =>
        EventGridApi.Options(request);

    [Function("DeliveryCallback")]
    public Task<IActionResult> Delivery(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/delivery")] HttpRequest request, CancellationToken cancellationToken) =>
        eventGrid is null ? Missing(request, NoLedger) : IngestHttpFunctions.Answer(eventGrid.Callback(request, cancellationToken));

    [Function("Unsubscribe")]
    public async Task<IActionResult> Unsubscribe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "unsubscribe")] HttpRequest request, CancellationToken cancellationToken) =>
        unsubscribe is null ? Unavailable.Answer(request, NoLedger) : ResultAction.Of(await unsubscribe.Unsubscribe(request, cancellationToken));

    [Function("CampaignMetrics")]
    public Task<IActionResult> Metrics(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{id}/metrics")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        campaigns is null
            ? Missing(request, "campaign metrics need the delivery ledger and engagement facts, which this deployment's customer store does not keep")
            : IngestHttpFunctions.Answer(campaigns.Metrics(request, id, cancellationToken));

    private static Task<IActionResult> Missing(HttpRequest request, string detail) => Task.FromResult<IActionResult>(Unavailable.Answer(request, detail));
}
