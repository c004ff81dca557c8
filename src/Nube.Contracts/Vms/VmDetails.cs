namespace Nube.Contracts.Vms;

/// <summary>What <c>vm show</c> prints: the summary, the settings and the live facts.</summary>
public sealed record VmDetails
{
    public required VmSummary Summary { get; init; }
    public VmSettings? Settings { get; init; }
    public int? ProcessId { get; init; }
    /// <summary>kvm or tcg, while running.</summary>
    public string? Accelerator { get; init; }
    /// <summary>Null when the VM is not running.</summary>
    public GuestAgentStatus? GuestAgent { get; init; }
    /// <summary>When the guest agent last answered during this run of the VM.</summary>
    public DateTimeOffset? LastAgentContact { get; init; }
    public string? VmDirectory { get; init; }
    /// <summary>Every integration service with its status; statuses other than disabled read no-contact while the VM is off.</summary>
    public IReadOnlyList<IntegrationServiceInfo>? IntegrationServices { get; init; }
    /// <summary>e.g. "BIOS (SeaBIOS)" or "UEFI (OVMF), Secure Boot on".</summary>
    public string? Firmware { get; init; }
    /// <summary>i440fx (pc) or q35.</summary>
    public string? Machine { get; init; }
    /// <summary>Every device the guest sees, with its kind (emulated or synthetic) and model.</summary>
    public IReadOnlyList<VmDeviceInfo>? Devices { get; init; }
    /// <summary>The last setting of the guest's clock during this run; null before the first.</summary>
    public TimeSyncInfo? TimeSync { get; init; }
    /// <summary>Set while the guest's file systems are frozen.</summary>
    public FreezeInfo? Freeze { get; init; }
    /// <summary>Its resource use now (as <c>vm measure</c>), in <c>vm show</c> while it runs; null otherwise.</summary>
    public VmMeasurement? Measurement { get; init; }
    /// <summary>Only in the answer to a removal with its disks: each disk file, deleted or kept and why.</summary>
    public IReadOnlyList<Disks.DiskRemoval>? DiskFiles { get; init; }
}
