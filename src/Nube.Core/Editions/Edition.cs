namespace Nube.Core.Editions;

/// <summary>
/// One edition's limits, as data so that validation never hard-codes a number.
/// A null limit means the edition sets none (the host or QEMU may still refuse).
/// </summary>
public sealed record Edition
{
    /// <summary>The identifier stored in <c>host.json</c>, e.g. <c>ws2008r2-enterprise</c>.</summary>
    public required string Name { get; init; }
    public required string DisplayName { get; init; }

    public required int? MaxRunningVms { get; init; }
    public required long? MaxHostMemoryGiB { get; init; }
    public required int? MaxHostLogicalProcessors { get; init; }
    public required long? MaxGuestMemoryMiB { get; init; }
    public required int MaxProcessorsPerVm { get; init; }

    public required int MaxLegacyNetworkAdapters { get; init; }
    public required int MaxSyntheticNetworkAdapters { get; init; }

    public required int MaxIdeControllers { get; init; }
    public required int MaxIdeDevices { get; init; }
    /// <summary>Master and slave: the IDE bus itself has two places per controller, in every edition.</summary>
    public const int IdeLocationsPerController = 2;
    public required int MaxScsiControllers { get; init; }
    /// <summary>Targets per SCSI controller, numbered from 0.</summary>
    public required int ScsiTargetsPerController { get; init; }
    /// <summary>SCSI disks per VM over all its controllers.</summary>
    public required int MaxScsiDevices { get; init; }

    public required int? MaxVirtualNetworks { get; init; }
    /// <summary>False: only quick migration (save, move, restore) is offered.</summary>
    public required bool LiveMigration { get; init; }
}
