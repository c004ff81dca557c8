using Nube.Core.Qemu;
using Nube.Qemu.Launch;

namespace Nube.Service.Vms.Qemu;

/// <summary>
/// Every side effect the controllers have on QEMU processes: launching one, finding one that
/// outlived an earlier host service, and opening its sockets. Unit tests put a fake QEMU here.
/// </summary>
public interface IQemuHost
{
    /// <summary>Prepares the VM's folders and starts QEMU; returns once QEMU has daemonized.</summary>
    /// <exception cref="QemuLaunchException">QEMU refused to start; the message has its words.</exception>
    Task<IQemuProcess> LaunchAsync(LaunchPlan plan, VmRuntimePaths paths, string marker, CancellationToken ct);

    /// <summary>
    /// The QEMU named by the VM's pidfile, when it is still that VM's. <paramref name="pidFileFound"/>
    /// tells a VM that was running (pidfile present) from one that was not.
    /// </summary>
    IQemuProcess? Find(VmRuntimePaths paths, string marker, out bool pidFileFound);

    /// <summary>Connects to one of QEMU's UNIX sockets (QMP, guest agent, serial).</summary>
    Task<Stream> ConnectAsync(string socketPath, CancellationToken ct);
}
