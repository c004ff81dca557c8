namespace Nube.Contracts.Hosts;

/// <summary>A host this one trusts, and what it said when last asked.</summary>
public sealed record PeerInfo
{
    public required string Name { get; init; }
    public required string Url { get; init; }
    /// <summary>The pinned SHA-256 fingerprint of its certificate (uppercase hex, colons every byte).</summary>
    public required string Fingerprint { get; init; }
    public string? HostName { get; init; }
    public DateTimeOffset AddedAt { get; init; }
    /// <summary>Whether it answered, with the pinned certificate and the token; absent when it was not asked.</summary>
    public bool? Reachable { get; init; }
    /// <summary>Why not, when it did not.</summary>
    public string? Problem { get; init; }
    public string? QemuVersion { get; init; }
    /// <summary>The machine types its new VMs get: a VM pinned to a later one cannot move there.</summary>
    public IReadOnlyList<string>? CurrentMachines { get; init; }
    public string? Edition { get; init; }
}
