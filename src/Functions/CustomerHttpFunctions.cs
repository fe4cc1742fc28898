using Lodestar.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Lodestar.Functions;

/// <summary>
/// The profile routes, the same as the standalone host's. The host orders routes by function name, not by ASP.NET
/// Core's precedence, so <c>customers/{id}</c> excludes <c>lookup</c> by constraint rather than relying on order.
/// </summary>
public sealed class CustomerHttpFunctions(CustomerApi api)
{
    /// <summary>Any id but the literal <c>lookup</c>; the API itself answers a malformed id with problem+json.</summary>
    public const string IdRoute = "customers/{id:regex(^(?!lookup$))}";

    [Function("GetCustomer")]
    public Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = IdRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        IngestHttpFunctions.Answer(api.Get(request, id, cancellationToken));

    [Function("CustomerMerges")]
    public Task<IActionResult> Merges(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "customers/{id}/merges")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        IngestHttpFunctions.Answer(api.Merges(request, id, cancellationToken));

    [Function("LookupCustomer")]
    public Task<IActionResult> Lookup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "customers/lookup")] HttpRequest request, CancellationToken cancellationToken) =>
        IngestHttpFunctions.Answer(api.Lookup(request, cancellationToken));

    [Function("EraseCustomer")]
    public Task<IActionResult> Erase(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = IdRoute)] HttpRequest request, string id, CancellationToken cancellationToken) =>
        IngestHttpFunctions.Answer(api.Erase(request, id, cancellationToken));
}
