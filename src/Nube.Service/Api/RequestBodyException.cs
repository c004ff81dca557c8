using Nube.Core.Validation;

namespace Nube.Service.Api;

/// <summary>A request body refused before its content is looked at: too large (413) or not JSON (415).</summary>
public sealed class RequestBodyException(int status, ValidationError error) : Exception(error.Message)
{
    public int Status { get; } = status;
    public ValidationError Error { get; } = error;
}
