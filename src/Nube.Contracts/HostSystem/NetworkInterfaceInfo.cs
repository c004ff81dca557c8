namespace Nube.Contracts.HostSystem;

/// <summary>One of the host's network interfaces, as iproute2 reports it.</summary>
public sealed record NetworkInterfaceInfo
{
    public required string Name { get; init; }
    /// <summary>The kernel's operational state in lower case: up, down, unknown (loopback reads unknown), dormant...</summary>
    public required string State { get; init; }
    public string? MacAddress { get; init; }
    public int? Mtu { get; init; }
    /// <summary>Addresses with their prefix length, e.g. 192.0.2.2/24 and fd00::2/64.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];
}
