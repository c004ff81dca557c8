namespace Nube.Contracts.Vms;

/// <summary>
/// A VM's settings as the API speaks them. Every field is optional: a create request fills in
/// what it wants (the host chooses defaults for the rest), a change request sends only what
/// changes, and a VM's details carry them all.
/// </summary>
public sealed record VmSettings
{
    public string? Name { get; init; }
    /// <summary>1 (BIOS) or 2 (UEFI); chosen at creation.</summary>
    public int? Generation { get; init; }
    /// <summary>Generation 2 only; absent means on for generation 2.</summary>
    public bool? SecureBoot { get; init; }
    /// <summary>
    /// Generation 2: the PCI Express root ports for network adapters (0 to 16; a new VM gets 8),
    /// in which adapters are added and removed while the VM runs; changed while it is off.
    /// </summary>
    public int? PcieRootPorts { get; init; }
    /// <summary>
    /// The versioned QEMU machine type the VM's board is pinned to (pc-i440fx-10.0 for generation 1,
    /// pc-q35-10.0 for 2): given at creation from the host's QEMU, so that a later QEMU gives the
    /// guest the same board and restores its saved memory; changed (an upgrade) only while the VM is
    /// off. Absent on a VM made before pinning until its next start from off.
    /// </summary>
    public string? Machine { get; init; }
    /// <summary>
    /// The virtual processor: compatible (a fixed x86-64-v2 processor with AES, the same on every
    /// host: the VM moves and restores anywhere; the default) or host (everything this host offers:
    /// fastest, but it moves only to a host with the same processor, or the same QEMU under TCG).
    /// Changed only while the VM is off. Absent on a VM made before pinning, which has host.
    /// </summary>
    public string? ProcessorModel { get; init; }
    public int? ProcessorCount { get; init; }
    /// <summary>Percent (0 to 100) of the VM's processors' capacity the host keeps free for it.</summary>
    public int? CpuReserve { get; init; }
    /// <summary>Percent (1 to 100) of the VM's processors' capacity it may use at most.</summary>
    public int? CpuLimit { get; init; }
    /// <summary>Relative weight, 1 to 10000 (default 100).</summary>
    public int? CpuWeight { get; init; }
    public long? MemoryStartupMiB { get; init; }
    public BootSettings? Boot { get; init; }
    public IReadOnlyList<IdeDriveSettings>? IdeDrives { get; init; }
    public IReadOnlyList<ScsiControllerSettings>? ScsiControllers { get; init; }
    public IReadOnlyList<NetworkAdapterSettings>? NetworkAdapters { get; init; }
    public ComPortSettings? Com1 { get; init; }
    /// <summary>nothing, startIfRunning or alwaysStart.</summary>
    public string? AutomaticStartAction { get; init; }
    public int? AutomaticStartDelaySeconds { get; init; }
    /// <summary>save, turnOff or shutDown.</summary>
    public string? AutomaticStopAction { get; init; }
    /// <summary>off or restart.</summary>
    public string? CrashAction { get; init; }
    public string? Notes { get; init; }
    public IntegrationServicesSettings? IntegrationServices { get; init; }
}
