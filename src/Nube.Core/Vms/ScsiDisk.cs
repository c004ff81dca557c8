namespace Nube.Core.Vms;

public sealed record ScsiDisk
{
    /// <summary>Stable id, also its QEMU id: given by nubed when the device is added (see <see cref="DeviceIds"/>), never renumbered.</summary>
    public string Id { get; init; } = "";
    /// <summary>SCSI target number on the controller.</summary>
    public int Location { get; init; }
    /// <summary>A hard disk, or a DVD drive (read-only media, as Hyper-V's SCSI DVD of a generation 2 VM).</summary>
    public DriveMedia Media { get; init; } = DriveMedia.HardDisk;
    /// <summary>Image path; null only for an empty DVD drive.</summary>
    public string? Path { get; init; }
    /// <summary>Null means: from the file name's extension (.qcow2, .vhd, .vhdx, else raw).</summary>
    public DiskFormat? Format { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>Null means <see cref="DiskCache.Writeback"/>.</summary>
    public DiskCache? Cache { get; init; }
}
