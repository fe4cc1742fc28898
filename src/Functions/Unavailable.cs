using Lodestar.Api;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Functions;

/// <summary>
/// 501 problem+json for a route whose backing store this deployment lacks (the Cosmos DB store keeps no delivery ledger or
/// journey definitions yet). Same body shape as <see cref="Problems"/>, which has no 501 of its own.
/// </summary>
public static class Unavailable
{
    public const string Type = "https://lodestar.dev/problems/not-implemented";

    public static ApiResult Answer(HttpRequest request, string detail) => new(StatusCodes.Status501NotImplemented,
        new ProblemDetails(Type, "Not available in this deployment", StatusCodes.Status501NotImplemented, detail, request.Path.Value), Problems.ContentType);
}
