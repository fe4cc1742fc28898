using System.Text.Json;
using Lodestar.Api;
using Lodestar.Customers;
using Lodestar.Validation;

namespace Lodestar.Standalone.Journeys;

/// <summary>
/// <c>POST /api/journeys/{id}/entries</c> with <c>{"customerId": "c_…", "businessKey": "…"}</c>: enters a customer into an
/// API-entry journey. 202 with the instance id once its start is committed (the same key again: 202 with the same
/// instance, nothing started twice); problem+json otherwise: 400 invalid body, 404 unknown journey or customer, 409
/// not an API-entry journey, refused by the re-entry rules or the entry condition, 503 when the driver did not answer.
/// </summary>
public sealed class JourneyEntries(JourneyDriver driver, string writeKey)
{
    private const int MaxBody = 16 << 10;
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    /// <summary>Maps the route on the journeys group (<c>/api/journeys</c>).</summary>
    public static void Map(IEndpointRouteBuilder journeys, JourneyDriver driver, string writeKey)
    {
        var entries = new JourneyEntries(driver, writeKey);
        journeys.MapPost("/{id}/entries", (HttpRequest r, string id, CancellationToken ct) => entries.Enter(r, id, ct)).WithName("journeyEntry")
            .WithSummary("Enter a customer into an API-entry journey (202 once started; problem+json when refused)");
    }

    public async Task<ApiResult> Enter(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (Credentials.CheckWriteKey(request, writeKey) is { } authError)
        {
            return Problems.Unauthorized(request, authError);
        }
        if (request.ContentLength > MaxBody)
        {
            return Problems.TooLarge(request, MaxBody);
        }
        var (customer, key, errors) = await ReadAsync(request, cancellationToken);
        if (errors.Count > 0)
        {
            return Problems.Validation(request, errors);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerWithin);
        EntryResult result;
        try
        {
            result = await driver.EnterAsync(id, customer, key, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Problem(request, StatusCodes.Status503ServiceUnavailable, "journey-driver", "The journey driver did not answer",
                "the entry may still be made; retry with the same businessKey (nothing starts twice)");
        }
        return result.Status switch
        {
            EntryStatus.Started or EntryStatus.AlreadyStarted => new ApiResult(StatusCodes.Status202Accepted, new
            {
                journey = id,
                customerId = customer.Value,
                businessKey = key,
                instanceId = result.InstanceId,
                outcome = result.Status == EntryStatus.Started ? "started" : "alreadyStarted",
            }),
            EntryStatus.UnknownJourney or EntryStatus.UnknownCustomer => Problems.NotFound(request, result.Reason!),
            EntryStatus.NotApiEntry => Problem(request, StatusCodes.Status409Conflict, "not-api-entry", "Not an API-entry journey", result.Reason!),
            EntryStatus.NotEligible => Problem(request, StatusCodes.Status409Conflict, "not-eligible", "Entry condition not met", result.Reason!),
            _ => Problem(request, StatusCodes.Status409Conflict, "entry-refused", "Entry refused by the re-entry rules", result.Reason!),
        };
    }

    private static ApiResult Problem(HttpRequest request, int status, string type, string title, string detail) =>
        new(status, new ProblemDetails("https://lodestar.dev/problems/" + type, title, status, detail, request.Path.Value), Problems.ContentType);

    private static async Task<(CustomerId Customer, string? Key, List<FieldError> Errors)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            errors.Add(new FieldError("", "must be a JSON object"));
            return (default, null, errors);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError("", "must be a JSON object"));
                return (default, null, errors);
            }
            var customer = default(CustomerId);
            if (!root.TryGetProperty("customerId", out var c) || c.ValueKind != JsonValueKind.String || !CustomerId.TryParse(c.GetString(), out customer))
            {
                errors.Add(new FieldError("/customerId", "required: a customer id, c_ followed by 16 lower-case hex digits"));
            }
            string? key = null;
            if (root.TryGetProperty("businessKey", out var k) && k.ValueKind != JsonValueKind.Null)
            {
                key = k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                if (string.IsNullOrWhiteSpace(key) || key.Length > 200)
                {
                    errors.Add(new FieldError("/businessKey", "must be a non-empty string of at most 200 characters"));
                }
            }
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("customerId" or "businessKey"))
                {
                    errors.Add(new FieldError("/" + property.Name, "unknown field; expected customerId and businessKey"));
                }
            }
            return (customer, key, errors);
        }
    }
}
