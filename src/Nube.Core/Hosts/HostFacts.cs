namespace Nube.Core.Hosts;

/// <summary>What the host probe found; the pure core takes these as data and never probes.</summary>
public sealed record HostFacts
{
    public required int LogicalProcessors { get; init; }
    public required long MemoryBytes { get; init; }
    /// <summary>/dev/kvm opens and the CPU flags show vmx or svm.</summary>
    public required bool KvmUsable { get; init; }
    public required Version QemuVersion { get; init; }
    /// <summary>The machine types of that QEMU; <see cref="QemuMachines.Unknown"/> until probed.</summary>
    public QemuMachines Machines { get; init; } = QemuMachines.Unknown;
    /// <summary>UEFI firmware for generation 2 VMs; whether the files exist is checked when such a VM starts.</summary>
    public UefiFirmware Uefi { get; init; } = UefiFirmware.Debian;
    /// <summary>The kernel's id of this boot (/proc/sys/kernel/random/boot_id): tells a host that rebooted from a restarted nubed.</summary>
    public string BootId { get; init; } = "";
    /// <summary>The processor's model name (/proc/cpuinfo): a VM on the host's processor under KVM moves only to a host with the same.</summary>
    public string ProcessorName { get; init; } = "";
}
