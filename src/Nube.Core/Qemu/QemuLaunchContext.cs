using System.Collections.Immutable;
using Nube.Core.Hosts;

namespace Nube.Core.Qemu;

/// <summary>What the argument builder needs besides the VM's configuration, as data.</summary>
/// <param name="Accelerator">Already resolved (see <see cref="AcceleratorResolver"/>).</param>
/// <param name="Incoming">Start waiting for a migration stream (restore or live migration) instead of booting.</param>
/// <param name="Uefi">The host's UEFI firmware (<see cref="HostFacts.Uefi"/>); needed by generation 2 VMs.</param>
/// <param name="RestoreFrom">The saved state to restore (with <paramref name="Incoming"/>); QEMU reads it from <see cref="LaunchPlan.RestoreFdSet"/>.</param>
/// <param name="Backing">Each disk's backing chain by the disk's path, top first below the disk; a disk not listed has none.</param>
public sealed record QemuLaunchContext(
    Accelerator Accelerator,
    VmRuntimePaths Paths,
    string QemuBinary = "qemu-system-x86_64",
    bool Incoming = false,
    UefiFirmware? Uefi = null,
    string? RestoreFrom = null,
    ImmutableDictionary<string, ImmutableArray<BackingImage>>? Backing = null);
