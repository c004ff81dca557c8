namespace Nube.Core.Vms;

/// <summary>A drive on one of the two emulated IDE controllers (controller 0-1, location 0-1).</summary>
public sealed record IdeDrive
{
    /// <summary>Stable id, also its QEMU id: given by nubed when the device is added (see <see cref="DeviceIds"/>), never renumbered.</summary>
    public string Id { get; init; } = "";
    public int Controller { get; init; }
    public int Location { get; init; }
    public DriveMedia Media { get; init; } = DriveMedia.HardDisk;
    /// <summary>Image path; null only for an empty DVD drive.</summary>
    public string? Path { get; init; }
    /// <summary>Null means: from the file name's extension (.qcow2, .vhd, .vhdx, else raw).</summary>
    public DiskFormat? Format { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>Null means <see cref="DiskCache.Writeback"/>.</summary>
    public DiskCache? Cache { get; init; }
}
