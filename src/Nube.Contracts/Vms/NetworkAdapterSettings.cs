namespace Nube.Contracts.Vms;

public sealed record NetworkAdapterSettings
{
    /// <summary>The device's stable id, given by the host; send it back unchanged, or leave it out for a new device.</summary>
    public string? Id { get; init; }
    /// <summary>
    /// The adapter's PCI slot (8 to 31; 30 on generation 2), given by the host when the adapter is
    /// added and kept for its life; send it back unchanged, or leave it out. Absent on an adapter
    /// made before slots were given: QEMU places it.
    /// </summary>
    public int? PciSlot { get; init; }
    /// <summary>legacy or synthetic.</summary>
    public string? Kind { get; init; }
    public string? MacAddress { get; init; }
    /// <summary>Absent (not connected), user, or tap:IFNAME (an existing TAP device).</summary>
    public string? Switch { get; init; }
    /// <summary>tulip or e1000 (legacy), virtio-net (synthetic); absent means the kind's default.</summary>
    public string? Model { get; init; }
    /// <summary>On a virtual switch, the VLAN (1 to 4094) the adapter is an access port of; absent: the untagged VLAN 1.</summary>
    public int? VlanId { get; init; }
    /// <summary>On a virtual switch, the most the adapter sends and receives, each way, in Mbit/s (1 to 100000); absent: no limit.</summary>
    public int? MaximumBandwidthMbps { get; init; }
    /// <summary>
    /// On a virtual switch, the adapter's share (1 to 100) of a link several ports contend for: an
    /// external switch's uplink, or a VM's adapter under its maximum bandwidth; absent: none (such
    /// traffic shares what the weights leave of 100).
    /// </summary>
    public int? MinimumBandwidthWeight { get; init; }
    /// <summary>On a virtual switch, let the guest send from other MAC addresses (default false).</summary>
    public bool? MacAddressSpoofing { get; init; }
    /// <summary>
    /// On a virtual switch, the IP addresses or prefixes the guest may send from (10.0.0.5,
    /// 10.0.0.0/29, fd00::5; at most 32): ARP and IP from any other are dropped. Absent or empty: any.
    /// </summary>
    public IReadOnlyList<string>? AllowedAddresses { get; init; }
    /// <summary>On a virtual switch, drop DHCP server answers the guest sends (default true).</summary>
    public bool? DhcpGuard { get; init; }
    /// <summary>On a virtual switch, drop router advertisements and redirects the guest sends (default true).</summary>
    public bool? RouterGuard { get; init; }
}
