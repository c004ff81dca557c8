namespace Nube.Service.Vms.Errors;

/// <summary>Something the host needs to run VMs is missing (QEMU, its user, a reachable folder).</summary>
public sealed class HostNotReadyException(string title, string message) : Exception(message)
{
    public string Title { get; } = title;
}
