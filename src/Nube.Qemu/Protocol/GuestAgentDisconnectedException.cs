namespace Nube.Qemu.Protocol;

/// <summary>The channel closed (EOF, I/O error, disposal or an earlier fault) before the operation completed.</summary>
public sealed class GuestAgentDisconnectedException(string message, Exception? innerException = null)
    : GuestAgentException(message, innerException);
