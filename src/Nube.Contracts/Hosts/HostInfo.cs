namespace Nube.Contracts.Hosts;

public sealed record HostInfo
{
    public required string HostName { get; init; }
    /// <summary>This host's id (its data directory's <c>host-id</c>), which its events and jobs carry.</summary>
    public Guid HostId { get; init; }
    public required string Edition { get; init; }
    public required string EditionDisplayName { get; init; }
    /// <summary>The setting: auto, kvm or tcg.</summary>
    public required string Accelerator { get; init; }
    /// <summary>What the setting resolves to on this machine.</summary>
    public required string AcceleratorInUse { get; init; }
    public required bool KvmUsable { get; init; }
    public required int LogicalProcessors { get; init; }
    public required long MemoryBytes { get; init; }
    public required string QemuVersion { get; init; }
    /// <summary>The versioned machine types a new VM is pinned to here (generation 1, then 2); empty when QEMU is missing.</summary>
    public IReadOnlyList<string> CurrentMachines { get; init; } = [];
    public required string DataDirectory { get; init; }
    /// <summary>Folders whose files VMs may use; paths elsewhere are refused.</summary>
    public IReadOnlyList<string> StorageRoots { get; init; } = [];
    /// <summary>Host block devices VMs may have as passthrough disks.</summary>
    public IReadOnlyList<string> PassthroughDevices { get; init; } = [];
    public required int StopTimeoutSeconds { get; init; }
    /// <summary>MiB/s that saving, restoring and migrating a VM's memory may use.</summary>
    public int MigrationBandwidthMiBps { get; init; }
    /// <summary>Moves of this host's VMs that run at once.</summary>
    public int LiveMigrationsAtOnce { get; init; }
    /// <summary>The longest pause a live move's switch-over may take, in ms.</summary>
    public int MigrationMaxDowntimeMs { get; init; }
    public bool MigrationAutoConverge { get; init; }
    public bool MigrationEncryption { get; init; }
    /// <summary>Seconds between heartbeats, and how long one waits for the guest (VMs may override both).</summary>
    public int HeartbeatIntervalSeconds { get; init; }
    public int HeartbeatTimeoutSeconds { get; init; }
    /// <summary>Seconds between settings of guests' clocks; 0: only after start, resume and restore.</summary>
    public int TimeSyncIntervalSeconds { get; init; }
    /// <summary>The largest ISO image an upload into the ISO library may send, in bytes.</summary>
    public long IsoUploadLimitBytes { get; init; }
    public required int VmCount { get; init; }
    public required int RunningVmCount { get; init; }
    public required EditionLimits Limits { get; init; }
    public required RemoteManagementInfo Remote { get; init; }
    public required bool WebConsole { get; init; }
    /// <summary>The switch a new VM's adapter connects to when its settings name no adapters, or null (none).</summary>
    public string? DefaultSwitch { get; init; }
    /// <summary>The host's dynamic MAC address range, first and last.</summary>
    public required string MacAddressMinimum { get; init; }
    public required string MacAddressMaximum { get; init; }
}
