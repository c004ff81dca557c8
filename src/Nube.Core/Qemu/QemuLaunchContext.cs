using Nube.Core.Hosts;

namespace Nube.Core.Qemu;

/// <summary>What the argument builder needs besides the VM's configuration, as data.</summary>
/// <param name="Accelerator">Already resolved (see <see cref="AcceleratorResolver"/>).</param>
/// <param name="RunAsUser">QEMU drops to this user after opening its files; null keeps the caller's.</param>
/// <param name="Incoming">Start waiting for a migration stream (restore or live migration) instead of booting.</param>
/// <param name="Uefi">The host's UEFI firmware (<see cref="HostFacts.Uefi"/>); needed by generation 2 VMs.</param>
public sealed record QemuLaunchContext(
    Accelerator Accelerator,
    VmRuntimePaths Paths,
    string QemuBinary = "qemu-system-x86_64",
    string? RunAsUser = null,
    bool Incoming = false,
    UefiFirmware? Uefi = null);
