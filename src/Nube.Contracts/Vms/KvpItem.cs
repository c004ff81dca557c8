namespace Nube.Contracts.Vms;

/// <summary>One data exchange (KVP) pair.</summary>
public sealed record KvpItem
{
    /// <summary>host, guest or intrinsic.</summary>
    public required string Pool { get; init; }
    public required string Key { get; init; }
    /// <summary>Null when the host refused the guest's item (see <see cref="Refused"/>).</summary>
    public string? Value { get; init; }
    /// <summary>Why the host did not take a guest's item (too large, not text, not a regular file ...).</summary>
    public string? Refused { get; init; }
}
