using Microsoft.Extensions.Options;

namespace Lodestar.Functions;

/// <summary>Runs an options class's own <c>Validate()</c> at start-up, reporting every problem at once.</summary>
internal sealed class OptionsValidation<T>(Func<T, IReadOnlyList<string>> validate) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
