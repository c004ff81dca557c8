namespace Nube.Contracts;

/// <summary>An RFC 7807 problem-details body, with Nube's validation errors when there are any.</summary>
public sealed record ApiProblem
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Detail { get; init; }
    public IReadOnlyList<ApiFieldError>? Errors { get; init; }
    /// <summary>The job that ended with this problem, when a job did.</summary>
    public Guid? JobId { get; init; }
    /// <summary>The QMP command QEMU refused, when QEMU refused one.</summary>
    public string? QmpCommand { get; init; }
}
