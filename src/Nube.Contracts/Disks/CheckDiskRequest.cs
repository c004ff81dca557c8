namespace Nube.Contracts.Disks;

/// <summary>A consistency check of a qcow2 or VHDX file (qemu-img check).</summary>
public sealed record CheckDiskRequest
{
    public string? Path { get; init; }
    /// <summary>Repairs leaks and errors too; refused while any VM uses the disk.</summary>
    public bool Repair { get; init; }
}
