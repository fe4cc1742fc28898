using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Lodestar.Functions;

/// <summary>Runs a minimal-API <see cref="IResult"/> as the <see cref="IActionResult"/> a Functions HTTP trigger returns.</summary>
public sealed class ResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context) => Result.ExecuteAsync(context.HttpContext);

    /// <summary>The result itself when it is an action result already (the shared handlers' own results are both).</summary>
    public static IActionResult Of(IResult result) => result as IActionResult ?? new ResultAction(result);
}
