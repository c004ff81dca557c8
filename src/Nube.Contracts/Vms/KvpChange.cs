namespace Nube.Contracts.Vms;

/// <summary>A host pair set or removed: stored with the VM, and whether the guest's copy already follows.</summary>
public sealed record KvpChange
{
    /// <summary>The pair as it is now (set), or as it was (removed).</summary>
    public required KvpItem Item { get; init; }
    /// <summary>The guest's file was written (or deleted) before the answer.</summary>
    public required bool InGuest { get; init; }
    /// <summary>When not in the guest yet: why, and when it will be.</summary>
    public string? Note { get; init; }
}
