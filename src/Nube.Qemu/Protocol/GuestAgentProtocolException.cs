namespace Nube.Qemu.Protocol;

/// <summary>The guest sent something that is not a valid agent reply (oversized, malformed, wrong types).</summary>
public sealed class GuestAgentProtocolException(string message, Exception? innerException = null)
    : GuestAgentException(message, innerException);
