using Lodestar.Api;
using Lodestar.Campaigns;
using Lodestar.Engagement;
using Lodestar.Standalone.Journeys;

namespace Lodestar.Standalone.Hosting;

/// <summary>Kestrel with the same routes as the Functions app, over the standalone composition root.</summary>
public static class WebHost
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static WebApplication Build(StandaloneApp app, string urls, LogLevel logLevel = LogLevel.Warning, ScheduledRuns? runs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        if (runs is not null)
        {
            builder.Services.AddSingleton(runs).AddSingleton(app.Time).AddHostedService<Scheduler>();
        }
        builder.Services.AddSingleton(app.JourneyDriver).AddSingleton(app.Outbox).AddHostedService<JourneyService>();
        var web = builder.Build();
        web.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Unexpected failures answer problem+json too, without internals; the log has the exception.
            ExceptionHandler = context => new ApiResult(StatusCodes.Status500InternalServerError,
                new ProblemDetails("https://lodestar.dev/problems/internal", "Internal error", 500,
                    "the request was not stored; retry it with the same messageId", context.Request.Path.Value), Problems.ContentType)
                .ExecuteAsync(context),
        });
        Map(web, app);
        return web;
    }

    public static void Map(IEndpointRouteBuilder routes, StandaloneApp app)
    {
        var ingest = app.IngestApi;
        var customers = app.CustomerApi;
        var v1 = routes.MapGroup("/api/v1").WithTags("Events (Segment-compatible)");
        foreach (var (segment, type) in IngestApi.SegmentRoutes)
        {
            v1.MapPost($"/{segment}", (HttpRequest r, CancellationToken ct) => ingest.SegmentCall(r, type, ct))
                .WithName(segment).WithSummary($"Segment {segment} call");
        }
        v1.MapPost("/batch", (HttpRequest r, CancellationToken ct) => ingest.Batch(r, ct)).WithName("batch")
            .WithSummary("Segment batch: valid items are accepted, invalid ones listed");
        var hooks = routes.MapGroup("/api/webhooks").WithTags("Webhooks");
        hooks.MapPost("/miniprogram", (HttpRequest r, CancellationToken ct) => ingest.MiniProgram(r, ct)).WithName("miniprogram")
            .WithSummary($"Mini-program event, signed with HMAC-SHA256 of the raw body in {Credentials.SignatureHeader}");
        hooks.MapPost("/pos", (HttpRequest r, CancellationToken ct) => ingest.PosOrder(r, ct)).WithName("pos").WithSummary("Store/POS order or return");
        hooks.MapPost("/service", (HttpRequest r, CancellationToken ct) => ingest.ServiceContact(r, ct)).WithName("service").WithSummary("Customer-service contact or complaint");
        var c = routes.MapGroup("/api/customers").WithTags("Customers");
        c.MapPost("/lookup", (HttpRequest r, CancellationToken ct) => customers.Lookup(r, ct)).WithName("lookup").WithSummary("Find a customer by phone, email, member id or openid");
        c.MapGet("/{id}", (HttpRequest r, string id, CancellationToken ct) => customers.Get(r, id, ct)).WithName("profile").WithSummary("The masked 360° profile");
        c.MapGet("/{id}/merges", (HttpRequest r, string id, CancellationToken ct) => customers.Merges(r, id, ct)).WithName("merges").WithSummary("Identity merges of a customer");
        c.MapDelete("/{id}", (HttpRequest r, string id, CancellationToken ct) => customers.Erase(r, id, ct)).WithName("erase").WithSummary("Erase a customer (PIPL)");
        var journeys = app.JourneyApi;
        var j = routes.MapGroup("/api/journeys").WithTags("Journeys");
        j.MapPost("", (HttpRequest r, CancellationToken ct) => journeys.Publish(r, ct)).WithName("publishJourney").WithSummary("Publish a journey definition (problem+json with a pointer per error when invalid)");
        j.MapGet("", (HttpRequest r, CancellationToken ct) => journeys.List(r, ct)).WithName("journeys").WithSummary("Published journeys and their versions");
        JourneyEntries.Map(j, app.JourneyDriver, app.Secrets.WriteKey);
        c.MapGet("/{id}/journeys", (HttpRequest r, string id, CancellationToken ct) => journeys.Customer(r, id, ct)).WithName("customerJourneys").WithSummary("A customer's journey instances and step log");
        var feedback = new RecordFeedback(app.Store, app.Store, app.Queue, app.Cleaner, app.Time);
        var eventGrid = new EventGridApi(feedback, new ApiSecrets(app.Secrets.WriteKey, app.Secrets.MiniProgramSecret), app.Time);
        hooks.MapPost("/eventgrid", (HttpRequest r, CancellationToken ct) => eventGrid.Receive(r, ct)).WithName("eventgrid")
            .WithSummary("Event Grid: ACS delivery, engagement and inbound-SMS reports (Event Grid or CloudEvents schema), validation handshake");
        hooks.MapMethods("/eventgrid", [HttpMethods.Options], (HttpRequest r) => EventGridApi.Options(r)).WithName("eventgridHandshake").ExcludeFromDescription();
        hooks.MapPost("/delivery", (HttpRequest r, CancellationToken ct) => eventGrid.Callback(r, ct)).WithName("deliveryCallback")
            .WithSummary($"Push and mini-program delivery callbacks, signed like the mini-program webhook ({Credentials.SignatureHeader})");
        var unsubscribe = new UnsubscribeApi(feedback, new UnsubscribeTokens(UnsubscribeTokens.DeriveKey(Convert.FromBase64String(app.Secrets.PiiKey))), app.Time);
        routes.MapGet("/api/unsubscribe", (HttpRequest r, CancellationToken ct) => unsubscribe.Unsubscribe(r, ct)).WithName("unsubscribe").WithTags("Feedback")
            .WithSummary("Unsubscribe link: withdraws marketing consent for the signed token's customer and channel");
        routes.MapPost("/api/unsubscribe", (HttpRequest r, CancellationToken ct) => unsubscribe.Unsubscribe(r, ct)).WithName("unsubscribeOneClick").WithTags("Feedback")
            .WithSummary("One-click unsubscribe (RFC 8058)");
        var campaigns = new CampaignApi(new CampaignReport(app.Store), new ApiSecrets(app.Secrets.WriteKey, app.Secrets.MiniProgramSecret));
        routes.MapGet("/api/campaigns/{id}/metrics", (HttpRequest r, string id, CancellationToken ct) => campaigns.Metrics(r, id, ct)).WithName("campaignMetrics").WithTags("Campaigns")
            .WithSummary("Campaign metrics per journey, node, segment, channel and A-B branch");
        routes.MapOpenApi("/openapi/{documentName}.json");
        routes.MapGet("/health", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
    }
}
