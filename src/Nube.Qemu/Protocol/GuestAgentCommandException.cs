namespace Nube.Qemu.Protocol;

/// <summary>The agent answered a command with an error. Class and desc come from the (untrusted) guest.</summary>
public sealed class GuestAgentCommandException(string command, string errorClass, string desc)
    : GuestAgentException($"guest agent command '{command}' failed: {errorClass}: {desc}")
{
    public string Command { get; } = command;

    public string ErrorClass { get; } = errorClass;

    public string Desc { get; } = desc;
}
