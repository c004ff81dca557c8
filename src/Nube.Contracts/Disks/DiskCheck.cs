namespace Nube.Contracts.Disks;

/// <summary>What qemu-img check found in a disk file (and, with a repair, what is left).</summary>
public sealed record DiskCheck
{
    public required string Path { get; init; }
    public required string Format { get; init; }
    /// <summary>Metadata errors: data may be lost or wrong.</summary>
    public int Corruptions { get; init; }
    /// <summary>Clusters allocated but unused: space lost, no data.</summary>
    public int Leaks { get; init; }
    /// <summary>Parts that could not be checked (a read error).</summary>
    public int CheckErrors { get; init; }
    /// <summary>Errors and leaks a repair fixed.</summary>
    public int Repaired { get; init; }
    /// <summary>
    /// Whether a repair (--repair, <c>qemu-img check -r all</c>) is worth trying: it frees leaks and rebuilds refcounts
    /// (an image left dirty), but cannot bring back data past the end of a truncated file; check again after it.
    /// </summary>
    public bool Fixable { get; init; }
    public bool Clean => Corruptions == 0 && Leaks == 0 && CheckErrors == 0;
}
