using Lodestar.Api;
using Lodestar.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Lodestar.Functions;

/// <summary>
/// The ingest routes, the same as the standalone host's: Segment's calls and the webhooks. Each validates and cleans the
/// input, then publishes it to Event Hubs (<see cref="EventHubs.EventHubsSink"/>) and answers once the hub has it; the
/// Event Hubs trigger ingests it. Anonymous at the platform: <see cref="IngestApi"/> checks the write key or signature.
/// </summary>
public sealed class IngestHttpFunctions(IngestApi api)
{
    [Function("Track")]
    public Task<IActionResult> Track(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/track")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.SegmentCall(request, EventType.Track, cancellationToken));

    [Function("Identify")]
    public Task<IActionResult> Identify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/identify")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.SegmentCall(request, EventType.Identify, cancellationToken));

    [Function("Page")]
    public Task<IActionResult> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/page")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.SegmentCall(request, EventType.Page, cancellationToken));

    [Function("Screen")]
    public Task<IActionResult> Screen(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/screen")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.SegmentCall(request, EventType.Screen, cancellationToken));

    [Function("Alias")]
    public Task<IActionResult> Alias(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/alias")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.SegmentCall(request, EventType.Alias, cancellationToken));

    [Function("Batch")]
    public Task<IActionResult> Batch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/batch")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.Batch(request, cancellationToken));

    [Function("MiniProgramWebhook")]
    public Task<IActionResult> MiniProgram(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/miniprogram")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.MiniProgram(request, cancellationToken));

    [Function("PosWebhook")]
    public Task<IActionResult> Pos(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/pos")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.PosOrder(request, cancellationToken));

    [Function("ServiceWebhook")]
    public Task<IActionResult> Service(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/service")] HttpRequest request, CancellationToken cancellationToken) =>
        Answer(api.ServiceContact(request, cancellationToken));

    internal static async Task<IActionResult> Answer(Task<ApiResult> call) => await call;
}
