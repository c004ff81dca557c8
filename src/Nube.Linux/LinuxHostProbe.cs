using Nube.Core.Hosts;

namespace Nube.Linux;

/// <summary>The real host: /proc, /sys, /dev/kvm and the QEMU binary, through <see cref="HostProbe"/>.</summary>
public sealed class LinuxHostProbe : IHostProbe
{
    public Task<HostFacts> ProbeAsync(CancellationToken ct) => HostProbe.ProbeAsync(ct);

    public Task<Version> QemuVersionAsync(string qemuBinary, CancellationToken ct) => HostProbe.QemuVersionAsync(qemuBinary, ct);

    public Task<QemuMachines> QemuMachinesAsync(string qemuBinary, CancellationToken ct) => HostProbe.QemuMachinesAsync(qemuBinary, ct);
}
