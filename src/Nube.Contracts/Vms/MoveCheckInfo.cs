namespace Nube.Contracts.Vms;

/// <summary>Whether a VM can move to a peer host, and every reason it cannot (as Hyper-V's Compare-VM).</summary>
public sealed record MoveCheckInfo
{
    public required string Vm { get; init; }
    /// <summary>The peer's name on this host.</summary>
    public required string Destination { get; init; }
    /// <summary>Live (memory copied while the VM runs) or quick (saved, moved, restored).</summary>
    public required bool Live { get; init; }
    public bool CanMove => Problems.Count == 0;
    /// <summary>Each problem, at the source or at the destination; the message says which.</summary>
    public IReadOnlyList<ApiFieldError> Problems { get; init; } = [];
}

/// <summary>What a source sends a peer to ask whether it can take a VM (POST /api/v1/migrations/check).</summary>
public sealed record MoveCheckRequest
{
    public required Guid VmId { get; init; }
    /// <summary>The VM's settings as the source has them: devices with their ids, MACs and slots, the pinned machine type.</summary>
    public required VmSettings Vm { get; init; }
    public bool Live { get; init; } = true;
    /// <summary>What the host's processor is at the source, as in <see cref="IncomingMoveRequest.SourceProcessor"/>.</summary>
    public string? SourceProcessor { get; init; }
    /// <summary>With storage: the disks would be copied to the destination (at <see cref="StorageFolder"/>, or the same paths).</summary>
    public bool WithStorage { get; init; }
    public string? StorageFolder { get; init; }
}
