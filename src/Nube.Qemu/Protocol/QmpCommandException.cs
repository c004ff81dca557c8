namespace Nube.Qemu.Protocol;

/// <summary>QEMU answered a command with an error; carries QEMU's class and description for the user.</summary>
public sealed class QmpCommandException(string command, string errorClass, string desc)
    : QmpException($"QMP command '{command}' failed: {errorClass}: {desc}")
{
    public string Command { get; } = command;

    /// <summary>QMP error class, e.g. GenericError, DeviceNotFound, CommandNotFound.</summary>
    public string ErrorClass { get; } = errorClass;

    /// <summary>QEMU's human-readable description.</summary>
    public string Desc { get; } = desc;
}
