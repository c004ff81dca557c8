namespace Nube.Cli.Commands;

/// <summary>A failure the CLI explains itself, with the exit code to leave with.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
