namespace Nube.Contracts.Vms;

/// <summary>A VM's data exchange pairs, pool by pool, each pool's keys in order.</summary>
public sealed record KvpList
{
    public required IReadOnlyList<KvpItem> Items { get; init; }
    /// <summary>Pools that could not be read (the VM is off, data exchange is disabled ...) or were read in part.</summary>
    public IReadOnlyList<KvpPoolNote> Notes { get; init; } = [];
}
