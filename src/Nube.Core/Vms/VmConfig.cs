using System.Collections.Immutable;

namespace Nube.Core.Vms;

/// <summary>
/// A virtual machine's configuration, as stored in <c>vms/&lt;id&gt;/vm.json</c>.
/// Immutable: changes go through <see cref="VmPatch"/>, which returns a new value to validate.
/// </summary>
public sealed record VmConfig
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required Guid Id { get; init; }
    /// <summary>Display name only: no path is ever built from it.</summary>
    public required string Name { get; init; }
    /// <summary>
    /// 1 = BIOS firmware, i440fx machine, emulated and synthetic devices (Hyper-V 2008 R2's only
    /// generation); 2 = UEFI firmware (OVMF), q35 machine, synthetic devices only, boot from SCSI
    /// (as Hyper-V since 2012 R2). Chosen at creation.
    /// </summary>
    public int Generation { get; init; } = 1;
    /// <summary>
    /// UEFI Secure Boot, generation 2 only. Null means the generation's default: on for
    /// generation 2 (as Hyper-V), off (absent) for generation 1.
    /// </summary>
    public bool? SecureBoot { get; init; }
    /// <summary>
    /// Generation 2: how many PCI Express root ports the VM has for its network adapters, one
    /// per slot from 8 up; an adapter in one of them comes and goes while the VM runs (q35's root
    /// bus takes no hot plug). Given at creation (<see cref="Generations.DefaultRootPorts"/>); null
    /// on a VM made before them, whose adapters sit on the root bus. Changed only while the VM is off.
    /// </summary>
    public int? PcieRootPorts { get; init; }
    /// <summary>
    /// The versioned QEMU machine type the VM's virtual hardware is pinned to (<c>pc-i440fx-10.0</c>,
    /// <c>pc-q35-10.0</c>): given at creation from the host's QEMU, so that a later QEMU gives the
    /// guest the same board and restores its saved memory. Null on a VM made before pinning: it
    /// gets QEMU's unversioned <c>pc</c> or <c>q35</c> until its next start from off, which pins it.
    /// Changed only while the VM is off (an upgrade to a newer type, as Hyper-V's configuration version).
    /// </summary>
    public string? Machine { get; init; }
    /// <summary>
    /// The virtual processor, pinned at creation (<see cref="ProcessorModel.Compatible"/> unless the
    /// request names one) and changed only while the VM is off. Null on a VM made before pinning:
    /// it has the host's (<see cref="ProcessorModel.Host"/>), as it always had.
    /// </summary>
    public ProcessorModel? Processor { get; init; }
    public int ProcessorCount { get; init; } = 1;
    /// <summary>Hyper-V's processor reserve: the share (0 to 100 %) of its processors' capacity the host keeps free for the VM.</summary>
    public int CpuReserve { get; init; }
    /// <summary>Hyper-V's processor limit: the most (1 to 100 %) of its processors' capacity the VM may use.</summary>
    public int CpuLimit { get; init; } = 100;
    /// <summary>Hyper-V's relative weight (1 to 10000): the VM's share of contended processors against the others'.</summary>
    public int CpuWeight { get; init; } = 100;
    public long MemoryStartupMiB { get; init; } = 512;
    public BootSource Boot { get; init; } = new();
    public ImmutableArray<IdeDrive> IdeDrives { get; init; } = [];
    /// <summary>Synthetic SCSI controllers; the index in the list is the controller number.</summary>
    public ImmutableArray<ScsiController> ScsiControllers { get; init; } = [];
    public ImmutableArray<NetworkAdapter> NetworkAdapters { get; init; } = [];
    public ComPort Com1 { get; init; } = new();
    public AutomaticStartAction AutomaticStartAction { get; init; } = AutomaticStartAction.Nothing;
    public int AutomaticStartDelaySeconds { get; init; }
    public AutomaticStopAction AutomaticStopAction { get; init; } = AutomaticStopAction.Save;
    /// <summary>What the host does when the VM's QEMU process dies unexpectedly.</summary>
    public CrashAction CrashAction { get; init; } = CrashAction.Off;
    public string Notes { get; init; } = "";
    /// <summary>Which integration services the VM uses (heartbeat, shutdown, time sync ...).</summary>
    public IntegrationSettings IntegrationServices { get; init; } = new();
    /// <summary>Host-to-guest data exchange pairs, in key order; set and removed with <c>nube vm kvp</c>.</summary>
    public ImmutableArray<KvpHostItem> KvpHostItems { get; init; } = [];
}
