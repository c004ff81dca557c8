namespace Nube.Contracts.Disks;

/// <summary>Writes a differencing child's data into its parent (qemu-img commit); the child is left empty on its parent.</summary>
public sealed record MergeDiskRequest
{
    /// <summary>The differencing child.</summary>
    public string? Path { get; init; }
    /// <summary>The most bytes per second the merge writes (20MiB); none when left out.</summary>
    public string? Rate { get; init; }
}
