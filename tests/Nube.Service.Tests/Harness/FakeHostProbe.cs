using Nube.Core.Hosts;
using Nube.Linux;

namespace Nube.Service.Tests.Harness;

/// <summary>A small host without KVM and with QEMU 10 installed: what the edition checks and the launch plan read.</summary>
internal sealed class FakeHostProbe(string bootId = "boot-1") : IHostProbe
{
    public static readonly Version QemuVersion = new(10, 0, 2);

    public Task<HostFacts> ProbeAsync(CancellationToken ct) => Task.FromResult(new HostFacts
    {
        LogicalProcessors = 2, MemoryBytes = 4L << 30, KvmUsable = false, QemuVersion = new Version(0, 0, 0), BootId = bootId,
    });

    public Task<Version> QemuVersionAsync(string qemuBinary, CancellationToken ct) => Task.FromResult(QemuVersion);

    /// <summary>QEMU 10.0's current types and one earlier of each board.</summary>
    public static readonly QemuMachines Machines = new(["pc-i440fx-9.2", "pc-i440fx-10.0", "pc-q35-9.2", "pc-q35-10.0"], "pc-i440fx-10.0", "pc-q35-10.0");

    public Task<QemuMachines> QemuMachinesAsync(string qemuBinary, CancellationToken ct) => Task.FromResult(Machines);
}
