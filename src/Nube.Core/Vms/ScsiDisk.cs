namespace Nube.Core.Vms;

public sealed record ScsiDisk
{
    /// <summary>SCSI target number on the controller.</summary>
    public int Location { get; init; }
    public required string Path { get; init; }
    /// <summary>Null means: from the file name's extension (.qcow2, .vhd, .vhdx, else raw).</summary>
    public DiskFormat? Format { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>Null means <see cref="DiskCache.Writeback"/>.</summary>
    public DiskCache? Cache { get; init; }
}
