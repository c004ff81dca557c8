namespace Nube.Linux.Processes;

/// <summary>A program of the host failed, could not be started or ran out of time; the message names it.</summary>
public sealed class HostCommandException(string command, string message) : Exception(message)
{
    public string Command { get; } = command;
}
