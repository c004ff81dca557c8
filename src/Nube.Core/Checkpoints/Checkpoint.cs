using System.Collections.Immutable;
using Nube.Core.Vms;

namespace Nube.Core.Checkpoints;

/// <summary>
/// One disk of a checkpoint: the image that holds the disk as it was at the checkpoint. Nothing
/// writes to it while the checkpoint exists; the VM writes into a qcow2 overlay above it.
/// </summary>
/// <param name="Disk">The disk's id in the VM's configuration.</param>
public sealed record CheckpointDisk(string Disk, string Image, DiskFormat Format);

/// <summary>A checkpoint, as Hyper-V Manager shows it in its tree: a name, a kind, a time and the checkpoint it was taken under.</summary>
public sealed record Checkpoint
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public CheckpointKind Kind { get; init; }
    public DateTimeOffset Created { get; init; }
    /// <summary>The checkpoint the VM's state was under when this one was taken; null at the root.</summary>
    public Guid? Parent { get; init; }
    public ImmutableArray<CheckpointDisk> Disks { get; init; } = [];
    /// <summary>A standard checkpoint's memory and device state (a QEMU migration stream), in the VM's folder.</summary>
    public string? Memory { get; init; }
}

/// <summary>A qcow2 overlay Nube made for a checkpoint: only these are ever deleted, and only when a checkpoint is applied or merged.</summary>
/// <param name="Disk">The disk's id in the VM's configuration.</param>
public sealed record CheckpointLayer(string Disk, string Path, string Backing, DiskFormat BackingFormat);
