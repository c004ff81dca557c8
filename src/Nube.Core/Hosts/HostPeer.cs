namespace Nube.Core.Hosts;

/// <summary>
/// Another Nube host that this one trusts, for moving VMs between them: its API address, the
/// SHA-256 fingerprint of the TLS certificate it must present (pinned when it was added), and
/// an API token of it that this host acts with.
/// </summary>
public sealed record HostPeer
{
    /// <summary>What this host calls it (<c>nube vm move --to NAME</c>).</summary>
    public required string Name { get; init; }
    /// <summary>Its API's https:// address.</summary>
    public required string Url { get; init; }
    /// <summary>Uppercase hex, without separators.</summary>
    public required string Fingerprint { get; init; }
    /// <summary>A secret: kept in a file only root reads, never shown.</summary>
    public required string Token { get; init; }
    /// <summary>The name the peer gave itself when it was added.</summary>
    public string? HostName { get; init; }
    public DateTimeOffset AddedAt { get; init; }
}
