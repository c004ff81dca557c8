namespace Nube.Contracts.Vms;

/// <summary>Moves a VM to a peer host (POST /api/v1/vms/{vm}/move): a job.</summary>
public sealed record MoveRequest
{
    /// <summary>The peer's name on this host.</summary>
    public required string To { get; init; }
    /// <summary>Live (the memory copied while the VM runs) or quick (the VM paused first).</summary>
    public bool Live { get; init; } = true;
    /// <summary>Shared-nothing: the disk files are copied to the destination while the VM runs (live only), instead of staying on storage both reach.</summary>
    public bool WithStorage { get; init; }
    /// <summary>With storage: the destination's folder for the disk files (each keeps its name); absent, each goes to the same path there.</summary>
    public string? StorageFolder { get; init; }
}

/// <summary>
/// A source's request to a peer to make a VM that is moving to it (POST /api/v1/migrations):
/// the VM exactly as the source stores it, and the files of its folder that travel with it.
/// </summary>
public sealed record IncomingMoveRequest
{
    /// <summary>The move's id, the same on both hosts.</summary>
    public required Guid MigrationId { get; init; }
    public required Guid VmId { get; init; }
    /// <summary>The VM's stored configuration document (its vm.json), devices, MACs and pinned machine type included.</summary>
    public required string Config { get; init; }
    public bool Live { get; init; } = true;
    /// <summary>The source's host id, for the destination's record.</summary>
    public required Guid SourceHostId { get; init; }
    /// <summary>The source would encrypt the stream; the stream goes in the clear only when neither host wants it encrypted.</summary>
    public bool Encrypted { get; init; } = true;
    /// <summary>Shared-nothing: the destination makes each writable disk (empty, of the size in <see cref="DiskSizes"/>) and exports it for the source's copy.</summary>
    public bool WithStorage { get; init; }
    /// <summary>With storage: the destination's folder for the disk files; absent, the same paths.</summary>
    public string? StorageFolder { get; init; }
    /// <summary>With storage: each writable disk's virtual size in bytes, by disk id.</summary>
    public Dictionary<string, long>? DiskSizes { get; init; }
    /// <summary>Quick: the source saves the VM's state beside its first disk on the shared storage, and the destination restores it from there (no stream).</summary>
    public bool ThroughSharedStorage { get; init; }
    /// <summary>What the host's processor is at the source (its accelerator, and its processor under KVM or its QEMU under TCG): a VM on the host's processor moves only where it is the same.</summary>
    public string? SourceProcessor { get; init; }
    /// <summary>The VM's checkpoint tree (its checkpoints.json), whose images are on the shared storage and memory files beside its first disk; at most 1 MiB.</summary>
    public string? Checkpoints { get; init; }
    public const int CheckpointsLimit = 1 << 20;
    /// <summary>Generation 2: the VM's UEFI variables, base64.</summary>
    public string? UefiVars { get; init; }
}

/// <summary>The destination's answer to a prepare: where its QEMU waits for the stream and the move's TLS key.</summary>
public sealed record IncomingMoveInfo
{
    public required Guid MigrationId { get; init; }
    /// <summary>The address the destination's QEMU listens on (the one the source reached the API at); empty, with port 0, for a move through shared storage.</summary>
    public required string Host { get; init; }
    public required int Port { get; init; }
    /// <summary>With storage: the port (at <see cref="Host"/>) of the destination's NBD server, TLS with the same key, that exports each disk by its id.</summary>
    public int? StoragePort { get; init; }
    /// <summary>The move's pre-shared TLS key (hex): only the source, which asked over the authenticated API, has it; null for a stream in the clear.</summary>
    public string? TlsKey { get; init; }
}

/// <summary>What a destination says of a move: it owns the VM, or it has given the move up and never will.</summary>
public sealed record MoveAnswer
{
    public required Guid MigrationId { get; init; }
    /// <summary>owns or aborted.</summary>
    public required string Answer { get; init; }
    /// <summary>Finish: ms from the request's arrival to the guest running here, and to the answer; the source counts the guest's pause with them.</summary>
    public int? ResumedAfterMs { get; init; }
    public int? AnsweredAfterMs { get; init; }

    public const string Owns = "owns";
    public const string Aborted = "aborted";
}

/// <summary>A source's Finish (POST /api/v1/migrations/{id}/finish), sent once its stream completed and its guest paused.</summary>
public sealed record FinishMoveRequest
{
    /// <summary>The end of what the guest printed on COM1 at the source (base64, at most 256 KiB), so that its console's history goes on.</summary>
    public string? SerialLog { get; init; }

    public const int SerialLogLimit = 256 * 1024;
}

/// <summary>Moves a running VM's disk files to another folder on this host (POST /api/v1/vms/{vm}/move-storage): a job.</summary>
public sealed record MoveStorageRequest
{
    /// <summary>The folder, under one of the host's storage roots; each disk keeps its file name.</summary>
    public required string Folder { get; init; }
}
