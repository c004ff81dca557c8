namespace Nube.Core.Vms;

public sealed record ScsiDisk
{
    /// <summary>Stable id, also its QEMU id: given by nubed when the device is added (see <see cref="DeviceIds"/>), never renumbered.</summary>
    public string Id { get; init; } = "";
    /// <summary>SCSI target number on the controller.</summary>
    public int Location { get; init; }
    public required string Path { get; init; }
    /// <summary>Null means: from the file name's extension (.qcow2, .vhd, .vhdx, else raw).</summary>
    public DiskFormat? Format { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>Null means <see cref="DiskCache.Writeback"/>.</summary>
    public DiskCache? Cache { get; init; }
}
