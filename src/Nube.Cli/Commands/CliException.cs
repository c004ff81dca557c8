using Nube.Contracts;
using Nube.Contracts.Jobs;

namespace Nube.Cli.Commands;

/// <summary>A failure the CLI explains itself, with the exit code to leave with.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
    /// <summary>The host's problem behind it, when there is one (a job's).</summary>
    public ApiProblem? Problem { get; init; }
    /// <summary>The job that failed or was cancelled, printed whole with --json.</summary>
    public JobInfo? Job { get; init; }
}
