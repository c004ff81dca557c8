namespace Nube.Contracts.Hosts;

public sealed record HostInfo
{
    public required string HostName { get; init; }
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
    public required string DataDirectory { get; init; }
    public required int StopTimeoutSeconds { get; init; }
    public required int VmCount { get; init; }
    public required int RunningVmCount { get; init; }
    public required EditionLimits Limits { get; init; }
}

/// <summary>An edition's limits; null means unlimited.</summary>
public sealed record EditionLimits
{
    public int? MaxRunningVms { get; init; }
    public long? MaxHostMemoryGiB { get; init; }
    public int? MaxHostLogicalProcessors { get; init; }
    public long? MaxGuestMemoryMiB { get; init; }
    public int MaxProcessorsPerVm { get; init; }
    public int MaxLegacyNetworkAdapters { get; init; }
    public int MaxSyntheticNetworkAdapters { get; init; }
    public int MaxIdeControllers { get; init; }
    public int MaxIdeDevices { get; init; }
    public int MaxScsiControllers { get; init; }
    public int MaxScsiDevices { get; init; }
    public bool LiveMigration { get; init; }
}

public sealed record HostSettings
{
    public string? Edition { get; init; }
    public string? Accelerator { get; init; }
    public int? StopTimeoutSeconds { get; init; }
}
