namespace Nube.Contracts.Hosts;

/// <summary>A host to trust (POST /api/v1/host/peers).</summary>
public sealed record PeerSettings
{
    /// <summary>What this host calls it: letters, digits, '.' and '-'.</summary>
    public string? Name { get; init; }
    /// <summary>Its API address, https://HOST:PORT/.</summary>
    public string? Url { get; init; }
    /// <summary>The SHA-256 fingerprint of its certificate, as its 'nube host info' shows it: pinned.</summary>
    public string? Fingerprint { get; init; }
    /// <summary>An API token of the peer, which this host acts with there; kept, never shown again.</summary>
    public string? Token { get; init; }
}
