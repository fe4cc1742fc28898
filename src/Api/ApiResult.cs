using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Api;

/// <summary>
/// A status and a JSON body. It is both an ASP.NET Core <see cref="IResult"/> (standalone host, minimal APIs) and an
/// MVC <see cref="IActionResult"/> (Azure Functions with ASP.NET Core integration), so both hosts return it as is.
/// </summary>
public sealed class ApiResult(int status, object? body, string contentType = "application/json") : IResult, IActionResult
{
    public int Status { get; } = status;

    public object? Body { get; } = body;

    public string ContentType { get; } = contentType;

    public Task ExecuteAsync(HttpContext httpContext) => Write(httpContext.Response);

    public Task ExecuteResultAsync(ActionContext context) => Write(context.HttpContext.Response);

    private async Task Write(HttpResponse response)
    {
        response.StatusCode = Status;
        if (Body is null)
        {
            return;
        }
        response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(response.Body, Body, Body.GetType(), DomainJson.Options);
    }

    public static ApiResult Ok(object body) => new(StatusCodes.Status200OK, body);

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null);
}
