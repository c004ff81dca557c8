using Nube.Contracts;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Output;

/// <summary>
/// Any error of a command as <c>--json</c> prints it on stdout: the host's problem document
/// (title, status, detail, errors) when the host gave one, the CLI's own words otherwise, and the
/// exit code the command leaves with; a job that failed or was cancelled comes along whole.
/// </summary>
public sealed record CliProblem
{
    public required string Title { get; init; }
    /// <summary>The HTTP status of the host's answer; absent for an error the CLI found itself.</summary>
    public int? Status { get; init; }
    public required string Detail { get; init; }
    public IReadOnlyList<ApiFieldError>? Errors { get; init; }
    public Guid? JobId { get; init; }
    public string? QmpCommand { get; init; }
    public required int ExitCode { get; init; }
    public JobInfo? Job { get; init; }
}
