using Lodestar.Journeys;
using Lodestar.Journeys.Driving;
using Lodestar.Validation;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Api;

/// <summary>The answer to <c>POST /api/journeys</c>, the same in both hosts.</summary>
public static class JourneyAnswers
{
    /// <summary>400 with a pointer per error; 409 when the version is taken by another definition; else 201 or 200 (unchanged).</summary>
    public static ApiResult Published(HttpRequest request, Validated<JourneyDefinition> parsed, PublishOutcome? outcome)
    {
        if (!parsed.IsValid)
        {
            return Problems.Validation(request, parsed.Errors);
        }
        var d = parsed.Value!;
        return outcome == PublishOutcome.VersionTaken
            ? new ApiResult(StatusCodes.Status409Conflict, new ProblemDetails("https://lodestar.dev/problems/version-taken", "Version already published", 409,
                $"{d.Key} is already published with a different definition; publish it as a new version", request.Path.Value,
                [new ProblemError("/version", "already published with a different definition")]), Problems.ContentType)
            : new ApiResult(outcome == PublishOutcome.Published ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                new { id = d.Id, version = d.Version, name = d.Name, outcome = outcome.ToString()!.ToLowerInvariant() });
    }
}
