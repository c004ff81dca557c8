namespace Nube.Qemu.Protocol;

/// <summary>The connection ended (EOF, I/O error, disposal or an earlier fault) before the operation completed.</summary>
public sealed class QmpDisconnectedException(string message, Exception? innerException = null)
    : QmpException(message, innerException);
