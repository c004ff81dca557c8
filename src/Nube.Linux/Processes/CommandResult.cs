namespace Nube.Linux.Processes;

/// <summary>How a host command ended; a program that could not be started ends with 127, as in a shell.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public const int NotFound = 127;

    /// <summary>This result, or a <see cref="HostCommandException"/> with the command, its exit code and its last words.</summary>
    public CommandResult EnsureSuccess(HostCommand command)
    {
        if (ExitCode == 0)
            return this;
        var said = Stderr.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        throw new HostCommandException(command.ToString(),
            $"'{command}' failed with exit code {ExitCode}{(said is null ? "." : $": {said}")}");
    }
}
