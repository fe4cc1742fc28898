using Lodestar.Validation;
using Microsoft.AspNetCore.Http;

namespace Lodestar.Api;

/// <summary>One bad field in a problem+json body.</summary>
public sealed record ProblemError(string Pointer, string Detail);

/// <summary>An RFC 9457 problem details body; <see cref="Errors"/> names each bad field by JSON pointer.</summary>
public sealed record ProblemDetails(string Type, string Title, int Status, string Detail, string? Instance, IReadOnlyList<ProblemError>? Errors = null);

/// <summary>The one place that turns failures into problem+json.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";
    private const string TypeBase = "https://lodestar.dev/problems/";

    public static ApiResult Validation(HttpRequest request, IReadOnlyList<FieldError> errors) => Make(request, StatusCodes.Status400BadRequest,
        "validation", "The request has invalid fields",
        errors.Count == 1 ? $"{Where(errors[0])} {errors[0].Message}" : $"{errors.Count} fields are invalid: " + string.Join("; ", errors.Select(e => $"{Where(e)} {e.Message}")),
        [.. errors.Select(e => new ProblemError(e.Pointer, e.Message))]);

    public static ApiResult Unauthorized(HttpRequest request, string detail) =>
        Make(request, StatusCodes.Status401Unauthorized, "unauthorized", "Missing or wrong credentials", detail);

    public static ApiResult NotFound(HttpRequest request, string detail) =>
        Make(request, StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    public static ApiResult TooLarge(HttpRequest request, long limit) =>
        Make(request, StatusCodes.Status413PayloadTooLarge, "too-large", "Request body too large", $"the body exceeds {limit:N0} bytes");

    public static ApiResult UnsupportedMediaType(HttpRequest request) =>
        Make(request, StatusCodes.Status415UnsupportedMediaType, "media-type", "Unsupported media type", "send the body as application/json");

    private static string Where(FieldError e) => e.Pointer.Length == 0 ? "the body" : e.Pointer;

    private static ApiResult Make(HttpRequest request, int status, string type, string title, string detail, IReadOnlyList<ProblemError>? errors = null) =>
        new(status, new ProblemDetails(TypeBase + type, title, status, detail, request.Path.Value, errors), ContentType);
}
