namespace Nube.Qemu.Protocol;

/// <summary>QEMU sent something that is not valid QMP (malformed JSON, oversized or misshapen message).</summary>
public sealed class QmpProtocolException(string message, Exception? innerException = null)
    : QmpException(message, innerException);
