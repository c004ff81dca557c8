namespace Nube.Contracts.Hosts;

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
    /// <summary>Places per IDE controller (master and slave), numbered from 0.</summary>
    public int IdeLocationsPerController { get; init; }
    public int MaxScsiControllers { get; init; }
    /// <summary>SCSI disks per VM over all its controllers.</summary>
    public int MaxScsiDevices { get; init; }
    /// <summary>Targets (locations) per SCSI controller, numbered from 0.</summary>
    public int ScsiTargetsPerController { get; init; }
    public bool LiveMigration { get; init; }
}
