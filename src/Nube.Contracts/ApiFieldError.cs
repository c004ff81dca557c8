namespace Nube.Contracts;

public sealed record ApiFieldError(string Field, string Value, string Message);
