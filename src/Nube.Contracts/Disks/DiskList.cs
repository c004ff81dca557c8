namespace Nube.Contracts.Disks;

/// <summary>The disk files under the host's storage roots, as far as the bounded walk went.</summary>
public sealed record DiskList
{
    public IReadOnlyList<DiskInfo> Disks { get; init; } = [];
    /// <summary>Files that looked like disks but that qemu-img could not read, each with its reason.</summary>
    public IReadOnlyList<DiskListProblem> Unreadable { get; init; } = [];
    /// <summary>Set when the walk stopped at one of its limits of files: more disks may lie under the roots.</summary>
    public bool Truncated { get; init; }
}

/// <summary>A file the disk list could not describe.</summary>
public sealed record DiskListProblem
{
    public required string Path { get; init; }
    public required string Problem { get; init; }
}
