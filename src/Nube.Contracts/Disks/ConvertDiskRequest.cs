namespace Nube.Contracts.Disks;

/// <summary>A copy of a disk file in another format; the source is left as it is.</summary>
public sealed record ConvertDiskRequest
{
    public string? Source { get; init; }
    /// <summary>The new file, under the host's storage roots; it must not exist.</summary>
    public string? Destination { get; init; }
    /// <summary>vhdx, vhd, qcow2 or raw.</summary>
    public string? Format { get; init; }
    public bool Fixed { get; init; }
    /// <summary>The most bytes per second the copy reads (20MiB), so that it leaves the disks' bandwidth to running VMs; none when left out.</summary>
    public string? Rate { get; init; }
}
