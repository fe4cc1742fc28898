using Lodestar.Api;
using Lodestar.Functions;
using Lodestar.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Lodestar.Tests;

/// <summary>The feedback functions as the app composes them: the shared handlers behind the Functions routes.</summary>
public sealed class FeedbackRoutesTests
{
    private const string Validation = """
        [{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x","subject":"","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent",
          "eventTime":"2026-03-01T12:00:00Z","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://example.invalid/v"},"dataVersion":"1","metadataVersion":"1"}]
        """;

    [Fact]
    public async Task EventGrid_SubscriptionValidation_AnswersTheCode_WithTheWriteKey()
    {
        using var folder = new TempFolder();
        await using var provider = CompositionTests.Build(CompositionTests.Complete(folder.Path));
        var functions = ActivatorUtilities.CreateInstance<FeedbackHttpFunctions>(provider);

        var answer = HttpRequests.Api(await functions.EventGrid(HttpRequests.Make("POST", "/api/webhooks/eventgrid", Validation), Token));
        var anonymous = HttpRequests.Api(await functions.EventGrid(HttpRequests.Make("POST", "/api/webhooks/eventgrid", Validation, writeKey: null), Token));

        Assert.Equal(StatusCodes.Status200OK, answer.Status);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", HttpRequests.Json(answer).GetProperty("validationResponse").GetString());
        Assert.Equal(StatusCodes.Status401Unauthorized, anonymous.Status);
    }

    [Fact]
    public void CloudEventsHandshake_AllowsTheRequestingOrigin()
    {
        var request = HttpRequests.Make("OPTIONS", "/api/webhooks/eventgrid", writeKey: null);
        request.Headers["WebHook-Request-Origin"] = "eventgrid.azure.net";

        var answer = Assert.IsType<CloudEventsHandshake>(new FeedbackHttpFunctions().EventGridHandshake(request));

        Assert.Equal("eventgrid.azure.net", answer.Origin);
    }

    [Fact]
    public async Task Routes_WithoutTheirHandlers_AnswerNotImplementedAsProblemJson()
    {
        var functions = new FeedbackHttpFunctions();

        var results = new[]
        {
            HttpRequests.Api(await functions.EventGrid(HttpRequests.Make("POST", "/api/webhooks/eventgrid", Validation), Token)),
            HttpRequests.Api(await functions.Delivery(HttpRequests.Make("POST", "/api/webhooks/delivery", "{}"), Token)),
            HttpRequests.Api(await functions.Unsubscribe(HttpRequests.Make("GET", "/api/unsubscribe"), Token)),
            HttpRequests.Api(await functions.Metrics(HttpRequests.Make("GET", "/api/campaigns/c/metrics"), "c", Token)),
        };

        Assert.All(results, r => Assert.Equal((StatusCodes.Status501NotImplemented, Problems.ContentType), (r.Status, r.ContentType)));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
