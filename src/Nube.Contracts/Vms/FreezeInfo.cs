namespace Nube.Contracts.Vms;

/// <summary>A guest whose file systems the host holds frozen (backup integration service).</summary>
public sealed record FreezeInfo
{
    public required DateTimeOffset FrozenSince { get; init; }
    /// <summary>When the host thaws them, whatever happens, unless they are thawed before.</summary>
    public required DateTimeOffset ThawDeadline { get; init; }
    /// <summary>Who froze them and why, e.g. "frozen by an operator".</summary>
    public required string Reason { get; init; }
    /// <summary>How many file systems the guest froze.</summary>
    public int FileSystems { get; init; }
}
