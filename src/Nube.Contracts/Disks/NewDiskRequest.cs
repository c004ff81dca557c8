namespace Nube.Contracts.Disks;

/// <summary>A new disk file: blank, or a differencing child of <see cref="Parent"/>.</summary>
public sealed record NewDiskRequest
{
    /// <summary>The new file's absolute path, under the host's storage roots; it must not exist.</summary>
    public string? Path { get; init; }
    /// <summary>vhdx, vhd, qcow2 or raw.</summary>
    public string? Format { get; init; }
    /// <summary>Bytes or a size with a unit (512MiB, 20GiB, 1TiB); a child takes its parent's when left out.</summary>
    public string? Size { get; init; }
    /// <summary>Every byte allocated up front (a fixed VHD or VHDX; a fully allocated qcow2 or raw).</summary>
    public bool Fixed { get; init; }
    /// <summary>The parent of a differencing child (qcow2 only), in any format.</summary>
    public string? Parent { get; init; }
}
