namespace Nube.Qemu.Protocol;

/// <summary>Base of every failure the guest agent client reports, so callers can catch them as one.</summary>
public abstract class GuestAgentException : Exception
{
    protected GuestAgentException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
