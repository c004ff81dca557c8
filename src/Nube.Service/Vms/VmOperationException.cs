namespace Nube.Service.Vms;

/// <summary>An operation that the VM's state or the host refuses; Status is the HTTP status to answer with.</summary>
public sealed class VmOperationException(int status, string title, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}
