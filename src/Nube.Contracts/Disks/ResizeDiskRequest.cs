namespace Nube.Contracts.Disks;

/// <summary>A new virtual size for a disk file that no running, paused or saved VM uses.</summary>
public sealed record ResizeDiskRequest
{
    public string? Path { get; init; }
    /// <summary>Bytes or a size with a unit (20GiB).</summary>
    public string? Size { get; init; }
    /// <summary>Allows a smaller size (the data past it is lost); refused while any VM uses the disk.</summary>
    public bool AllowShrink { get; init; }
}
