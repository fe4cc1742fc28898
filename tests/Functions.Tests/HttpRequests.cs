using System.Reflection;
using System.Text;
using System.Text.Json;
using Lodestar.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Tests.Support;

/// <summary>Requests as the Functions host hands them to an HTTP trigger, and the answers read back as JSON.</summary>
internal static class HttpRequests
{
    public const string WriteKey = "wk_0123456789abcdef";

    public static HttpRequest Make(string method, string path, string? body = null, string? writeKey = WriteKey)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (writeKey is not null)
        {
            context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":"));
        }
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = "application/json";
        return context.Request;
    }

    public static JsonElement Json(ApiResult result) => JsonSerializer.SerializeToElement(result.Body, result.Body!.GetType(), DomainJson.Options);

    public static ApiResult Api(IActionResult result) => Assert.IsType<ApiResult>(result);

    /// <summary>A file of the repository (journeys/, templates/).</summary>
    public static string RepoFile(string relative) => Path.Combine(typeof(HttpRequests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!, relative);
}
