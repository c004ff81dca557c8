namespace Nube.Qemu.Protocol;

/// <summary>Base of every failure the QMP client reports, so callers can catch them as one.</summary>
public abstract class QmpException : Exception
{
    protected QmpException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
