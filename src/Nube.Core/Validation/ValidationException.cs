namespace Nube.Core.Validation;

/// <summary>Every problem found at once, so the user fixes them in one round.</summary>
public sealed class ValidationException : Exception
{
    public ValidationException(IReadOnlyList<ValidationError> errors)
        : base(string.Join('\n', errors.Select(e => e.Message)))
    {
        if (errors.Count == 0)
            throw new ArgumentException("A validation exception needs at least one error.", nameof(errors));
        Errors = errors;
    }

    public IReadOnlyList<ValidationError> Errors { get; }
}
