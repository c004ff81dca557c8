namespace Nube.Qemu.Protocol;

/// <summary>
/// The agent did not answer in time: it may not be running yet, or the guest is busy.
/// The client re-synchronises before its next command, so a late reply cannot be mistaken for another's.
/// </summary>
public sealed class GuestAgentTimeoutException(string command, TimeSpan timeout)
    : GuestAgentException($"guest agent command '{command}' got no reply within {Seconds.Format(timeout)}")
{
    public string Command { get; } = command;

    public TimeSpan Timeout { get; } = timeout;
}
