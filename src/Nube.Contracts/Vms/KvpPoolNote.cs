namespace Nube.Contracts.Vms;

/// <summary>Why a pool is missing from a list, or was read only in part.</summary>
public sealed record KvpPoolNote
{
    public required string Pool { get; init; }
    public required string Note { get; init; }
}
