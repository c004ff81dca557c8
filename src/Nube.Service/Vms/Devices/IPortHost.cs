using Nube.Core.Qemu;

namespace Nube.Service.Vms.Devices;

/// <summary>The host side of a running VM's adapters: their TAPs on the virtual switches, and each port's guards.</summary>
public interface IPortHost
{
    /// <summary>A running adapter's port as it says: its TAP in its switch's bridge (or in none), its guards and bandwidth.</summary>
    /// <exception cref="Linux.Processes.HostCommandException">The switch does not exist, or the host refused.</exception>
    Task SetPortAsync(SwitchPort port, CancellationToken ct);

    /// <summary>Makes a new adapter's TAP (one of that name left over is replaced) and plugs it in, its guards holding before QEMU has it.</summary>
    /// <exception cref="Linux.Processes.HostCommandException">The switch does not exist, or the host refused.</exception>
    Task AddPortAsync(SwitchPort port, CancellationToken ct);

    /// <summary>Deletes a removed adapter's TAP (QEMU no longer holds it) and forgets its guards.</summary>
    /// <exception cref="IOException">The kernel refused.</exception>
    Task RemovePortAsync(SwitchPort port, CancellationToken ct);
}
