namespace Nube.Contracts.Disks;

/// <summary>What became of one disk file of a VM removed with its disks.</summary>
public sealed record DiskRemoval
{
    public required string Path { get; init; }
    public bool Deleted { get; init; }
    /// <summary>Why the file was kept (another VM uses it, it is a parent, it lies outside the storage roots ...); null when deleted.</summary>
    public string? KeptBecause { get; init; }
}
