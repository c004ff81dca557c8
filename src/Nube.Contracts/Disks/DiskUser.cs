namespace Nube.Contracts.Disks;

/// <summary>A VM that uses a disk file, directly or as a parent of one of its disks.</summary>
public sealed record DiskUser
{
    public required Guid VmId { get; init; }
    public required string VmName { get; init; }
    /// <summary>The VM's state word (off, running, saved ...).</summary>
    public required string State { get; init; }
    /// <summary>The VM's setting that names the disk (scsiControllers[0].disks[1].path).</summary>
    public required string Field { get; init; }
    /// <summary>Null when the VM's disk is the file itself; else the VM's disk that has the file as a parent.</summary>
    public string? Through { get; init; }
}
