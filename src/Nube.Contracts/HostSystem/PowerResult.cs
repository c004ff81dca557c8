using Nube.Contracts.Vms;

namespace Nube.Contracts.HostSystem;

/// <summary>The host is going down: the VMs as their stop actions left them, and the command that was given.</summary>
public sealed record PowerResult
{
    public required string Action { get; init; }
    /// <summary>e.g. "systemctl reboot".</summary>
    public required string Command { get; init; }
    public required IReadOnlyList<VmSummary> Vms { get; init; }
}
