namespace Nube.Qemu.Launch;

/// <summary>QEMU refused to start; the message carries what QEMU printed.</summary>
public sealed class QemuLaunchException(string message) : Exception(message);
