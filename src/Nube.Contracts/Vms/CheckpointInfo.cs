namespace Nube.Contracts.Vms;

/// <summary>A checkpoint in a VM's tree, as Hyper-V Manager shows it, with the checkpoints taken under it.</summary>
public sealed record CheckpointInfo
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    /// <summary>production (disks, taken with the guest's file systems frozen) or standard (disks, memory and devices).</summary>
    public string Kind { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public Guid? ParentId { get; init; }
    /// <summary>The VM's current state ("Now") comes from this checkpoint.</summary>
    public bool Current { get; init; }
    /// <summary>Applied, the VM runs on from the checkpoint's memory (a standard checkpoint of a running or saved VM).</summary>
    public bool HasMemory { get; init; }
    public IReadOnlyList<CheckpointDiskInfo> Disks { get; init; } = [];
    public IReadOnlyList<CheckpointInfo> Children { get; init; } = [];
}

/// <summary>One disk of a checkpoint: the image that holds it as it was then.</summary>
public sealed record CheckpointDiskInfo
{
    public string Disk { get; init; } = "";
    public string Image { get; init; } = "";
}

/// <summary>A VM's checkpoints as a tree (the roots, each with its children), and where its current state hangs.</summary>
public sealed record CheckpointTree
{
    public IReadOnlyList<CheckpointInfo> Checkpoints { get; init; } = [];
    /// <summary>The checkpoint "Now" is a child of; null when the current state hangs at the root (or there is no checkpoint).</summary>
    public Guid? NowParentId { get; init; }
}

/// <summary>The body of <c>POST /api/v1/vms/{vm}/checkpoints</c>.</summary>
public sealed record NewCheckpointRequest
{
    /// <summary>Without one, the VM's name and the time, as Hyper-V names them.</summary>
    public string? Name { get; init; }
    /// <summary>production (the default) or standard.</summary>
    public string? Kind { get; init; }
    /// <summary>standard: take a standard checkpoint when the guest cannot freeze for a production one (Hyper-V's default); none (the default here): fail.</summary>
    public string? Fallback { get; init; }
}

/// <summary>The body of <c>PATCH /api/v1/vms/{vm}/checkpoints/{checkpoint}</c>: only the name changes.</summary>
public sealed record RenameCheckpointRequest
{
    public string? Name { get; init; }
}
