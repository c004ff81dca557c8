namespace Nube.Contracts.Switches;

/// <summary>A virtual switch and what is plugged into it.</summary>
public sealed record SwitchInfo
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    /// <summary>private, internal or external.</summary>
    public required string Kind { get; init; }
    /// <summary>Internal switches: the host's addresses on the switch (CIDR).</summary>
    public IReadOnlyList<string> HostAddresses { get; init; } = [];
    /// <summary>Internal switches: the VMs reach beyond the switch through the host, masqueraded.</summary>
    public bool Nat { get; init; }
    /// <summary>Internal switches: the host hands out addresses and serves DNS on the switch.</summary>
    public bool Dhcp { get; init; }
    /// <summary>With DHCP: the addresses it hands out (<c>192.168.50.128-192.168.50.254</c>).</summary>
    public string? DhcpRange { get; init; }
    public string Notes { get; init; } = "";
    /// <summary>External switches: the host interface it bridges.</summary>
    public string? Interface { get; init; }
    /// <summary>The Linux bridge that is the switch on the host (named from the id).</summary>
    public required string Bridge { get; init; }
    /// <summary>Whether the bridge is there and up; false with <see cref="Problem"/> when the host could not make it.</summary>
    public bool Ready { get; init; }
    public string? Problem { get; init; }
    /// <summary>The VMs' adapters that name this switch.</summary>
    public IReadOnlyList<SwitchAdapterInfo> Adapters { get; init; } = [];
}

/// <summary>A VM's adapter on a switch: its TAP exists while the VM runs.</summary>
public sealed record SwitchAdapterInfo
{
    public required Guid VmId { get; init; }
    public required string Vm { get; init; }
    public required string Adapter { get; init; }
    public string? MacAddress { get; init; }
    /// <summary>The TAP device of the adapter's port (present while the VM runs).</summary>
    public required string Tap { get; init; }
}

/// <summary>A new switch, or the fields of one to change (absent fields keep their value).</summary>
public sealed record SwitchSettings
{
    public string? Name { get; init; }
    /// <summary>private (the default), internal or external; fixed once made.</summary>
    public string? Kind { get; init; }
    public IReadOnlyList<string>? HostAddresses { get; init; }
    /// <summary>Internal switches: NAT for the VMs beyond the switch's first IPv4 subnet.</summary>
    public bool? Nat { get; init; }
    /// <summary>Internal switches: DHCP and DNS for the VMs, on the upper half of the switch's first IPv4 subnet.</summary>
    public bool? Dhcp { get; init; }
    public string? Notes { get; init; }
    /// <summary>External switches: the host interface the switch bridges (the host keeps using it through the switch); fixed once made.</summary>
    public string? Interface { get; init; }
    /// <summary>
    /// External switches: needed when the interface carries the host's default route, whose
    /// connectivity then moves to the switch's bridge (a mistake cuts the host off).
    /// </summary>
    public bool? Confirm { get; init; }
}
