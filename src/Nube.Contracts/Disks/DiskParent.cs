namespace Nube.Contracts.Disks;

/// <summary>One image below a differencing disk.</summary>
public sealed record DiskParent
{
    public required string Path { get; init; }
    public required string Format { get; init; }
    public long VirtualSize { get; init; }
    public long FileSize { get; init; }
}
