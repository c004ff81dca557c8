namespace Nube.Contracts.Disks;

/// <summary>A disk file as qemu-img reads it, with the VMs that use it.</summary>
public sealed record DiskInfo
{
    /// <summary>The file, its links resolved.</summary>
    public required string Path { get; init; }
    /// <summary>vhdx, vhd, qcow2 or raw.</summary>
    public required string Format { get; init; }
    /// <summary>The size the guest sees, in bytes.</summary>
    public long VirtualSize { get; init; }
    /// <summary>The bytes the file takes on the host's disk.</summary>
    public long FileSize { get; init; }
    /// <summary>Set when the image was not closed cleanly (qemu-img's dirty flag).</summary>
    public bool Dirty { get; init; }
    /// <summary>Set when QEMU marked the qcow2 corrupt; null for formats without the flag.</summary>
    public bool? Corrupt { get; init; }
    /// <summary>The parents, nearest first; empty for a disk that is not a differencing child.</summary>
    public IReadOnlyList<DiskParent> Parents { get; init; } = [];
    /// <summary>The VMs whose disks are this file or have it among their parents.</summary>
    public IReadOnlyList<DiskUser> UsedBy { get; init; } = [];
}
