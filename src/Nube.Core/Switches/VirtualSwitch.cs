using System.Collections.Immutable;

namespace Nube.Core.Switches;

/// <summary>Hyper-V's three kinds of virtual switch.</summary>
public enum SwitchKind
{
    /// <summary>The VMs of this host only: the host has no address on it and forwards nothing.</summary>
    Private,
    /// <summary>The VMs and the host: the host has the addresses the operator sets on the switch.</summary>
    Internal,
    /// <summary>Bridged to a host interface, which the host keeps using through the bridge.</summary>
    External,
}

/// <summary>A virtual switch, stored as <c>switches/&lt;id&gt;.json</c> in the data directory.</summary>
public sealed record VirtualSwitch
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    /// <summary>Given by the host; the Linux bridge's name comes from it (<see cref="LinkNames.Bridge"/>), never from the name.</summary>
    public Guid Id { get; init; }
    /// <summary>What adapters name to connect to it: unique on the host ignoring case.</summary>
    public string Name { get; init; } = "";
    public SwitchKind Kind { get; init; } = SwitchKind.Private;
    /// <summary>Internal switches: the host's own addresses on the switch, in CIDR form (<c>192.168.50.1/24</c>).</summary>
    public ImmutableArray<string> HostAddresses { get; init; } = [];
    /// <summary>Internal switches: what the VMs send beyond the switch's subnet leaves through the host, masqueraded (NAT).</summary>
    public bool Nat { get; init; }
    /// <summary>Internal switches: the host hands out addresses (and DNS) on the switch's first IPv4 subnet (dnsmasq).</summary>
    public bool Dhcp { get; init; }
    /// <summary>External switches: the host interface bridged to the switch, whose static addresses and routes the bridge takes over.</summary>
    public string? Interface { get; init; }
    public string Notes { get; init; } = "";
}
