using System.Runtime.InteropServices;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Qemu.Launch;
using Nube.Service.Vms.Devices;

namespace Nube.Service.Vms.Worker;

/// <summary>
/// Every side effect the controllers have on QEMU processes: launching one, finding one that
/// outlived an earlier host service, and opening its sockets. Unit tests put a fake QEMU here.
/// </summary>
public interface IQemuHost
{
    /// <summary>Prepares the VM's folders, opens what QEMU gets and starts it; QEMU then initialises on its own.</summary>
    /// <exception cref="QemuLaunchException">QEMU could not be started; the message says why.</exception>
    Task<IQemuProcess> LaunchAsync(Guid vm, LaunchPlan plan, VmRuntimePaths paths, string marker, CancellationToken ct);

    /// <summary>
    /// The QEMU named by the VM's pidfile, when it is still that VM's. <paramref name="pidFileFound"/>
    /// tells a VM that was running (pidfile present) from one that was not.
    /// </summary>
    IQemuProcess? Find(Guid vm, VmRuntimePaths paths, string marker, out bool pidFileFound);

    /// <summary>Connects to one of QEMU's UNIX sockets (QMP, guest agent, serial).</summary>
    Task<Stream> ConnectAsync(string socketPath, CancellationToken ct);

    /// <summary>The host side of a running VM's adapters: its TAPs made, moved and deleted, and their guards.</summary>
    IPortHost Ports(Guid vm);

    /// <summary>
    /// Writes secret files (a move's TLS key) into a folder of the VM's runtime directory that only
    /// its QEMU's user may read, and returns that folder opened: QEMU reads it through the
    /// descriptor (<c>/proc/self/fd/N</c>), since the folders above it are root's alone.
    /// </summary>
    SafeHandle SecretFolder(Guid vm, VmRuntimePaths paths, IReadOnlyDictionary<string, string> files);

    /// <summary>Changes a running VM's limits (its processor limit and weight) in its cgroup, at once.</summary>
    void ApplyLimits(Guid vm, ResourceLimits limits);

    /// <summary>The VM's QEMU is gone: what its run held on the host (its cgroup, its switch ports) is given back.</summary>
    void Released(Guid vm);

    /// <summary>The VM is removed: what the host kept for it (its uid) is free again.</summary>
    Task ForgetAsync(Guid vm);

    /// <summary>How a QEMU that is gone ended and what it said last ("QEMU exited with code 1: ..."); empty when nothing is known.</summary>
    string DescribeExit(IQemuProcess process, VmRuntimePaths paths);
}
