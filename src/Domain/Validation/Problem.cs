namespace Lodestar.Validation;

/// <summary>One thing wrong with an input, located by an RFC 6901 JSON pointer.</summary>
public sealed record FieldError(string Pointer, string Message);

/// <summary>Either a value or the list of field errors that prevented it.</summary>
public readonly record struct Validated<T>(T? Value, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Errors.Count == 0;

    public static Validated<T> Ok(T value) => new(value, []);

    public static Validated<T> Fail(IReadOnlyList<FieldError> errors) => new(default, errors);
}
