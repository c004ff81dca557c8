namespace Nube.Core.Vms;

public enum NetworkAdapterKind
{
    /// <summary>Emulated: DEC 21140 (tulip), as Hyper-V's legacy network adapter, or Intel e1000.</summary>
    Legacy,
    /// <summary>virtio-net.</summary>
    Synthetic,
}

public sealed record NetworkAdapter
{
    /// <summary>Stable id, also its QEMU id: given by nubed when the device is added (see <see cref="DeviceIds"/>), never renumbered.</summary>
    public string Id { get; init; } = "";
    public NetworkAdapterKind Kind { get; init; } = NetworkAdapterKind.Synthetic;
    /// <summary>Unicast MAC, "52:54:00:xx:xx:xx" style; null lets the host assign one at creation.</summary>
    public string? MacAddress { get; init; }
    /// <summary>
    /// What the adapter is plugged into: null for unconnected, a virtual switch's name,
    /// <see cref="UserMode"/> for QEMU's user-mode NAT, or <c>tap:IFNAME</c>
    /// (<see cref="TapPrefix"/>) for an existing TAP device the operator made.
    /// </summary>
    public string? Switch { get; init; }
    /// <summary>Null means the kind's default: tulip for legacy, virtio-net for synthetic.</summary>
    public NicModel? Model { get; init; }
    /// <summary>
    /// On a virtual switch: the guest may send frames (and ARP) from other MAC addresses than the
    /// adapter's. Off by default, as Hyper-V's "Enable MAC address spoofing".
    /// </summary>
    public bool MacAddressSpoofing { get; init; }
    /// <summary>
    /// On a virtual switch: the VLAN the adapter is an access port of (1 to 4094); null is the
    /// switch's untagged VLAN 1. Adapters on different VLANs of one switch do not reach each other.
    /// </summary>
    public int? VlanId { get; init; }
    /// <summary>
    /// On a virtual switch: the most the adapter may send and receive, each way, in Mbit/s (Hyper-V's
    /// maximum bandwidth); null is no limit.
    /// </summary>
    public int? MaximumBandwidthMbps { get; init; }
    /// <summary>
    /// On a virtual switch: the adapter's share, 1 to 100, of a link that several ports' traffic
    /// contends for (Hyper-V's minimum bandwidth weight): an external switch's uplink, or a VM's port
    /// under its maximum bandwidth (<see cref="Switches.BandwidthShares"/>). Null: no weight; such
    /// traffic shares what the weights leave.
    /// </summary>
    public int? MinimumBandwidthWeight { get; init; }
    /// <summary>
    /// On a virtual switch: the IP addresses (or prefixes) the guest may send from, comma-separated
    /// (<c>10.0.0.5,fd00::5</c>); IPv4 packets and ARP from any other address are dropped, so that
    /// the guest cannot take another VM's address. Null: any address (no binding).
    /// </summary>
    public string? AllowedAddresses { get; init; }
    /// <summary>On a virtual switch: DHCP server answers from the guest are dropped (Hyper-V's DHCP guard). On by default.</summary>
    public bool DhcpGuard { get; init; } = true;
    /// <summary>On a virtual switch: router advertisements and redirects from the guest are dropped (Hyper-V's router guard). On by default.</summary>
    public bool RouterGuard { get; init; } = true;

    /// <summary>
    /// The adapter's PCI slot (<see cref="FirstPciSlot"/> up), given by nubed when the adapter is
    /// added and kept for its life, as a card stays in its slot: the guest's name for it
    /// (<c>enp0s8</c>) does not change when another adapter goes, and a VM saved after a hot add
    /// is restored with every adapter where it was. Null for an adapter made before slots were
    /// given: QEMU places it, as it always did.
    /// </summary>
    public int? PciSlot { get; init; }

    /// <summary>Slots below are the board's and the other devices' (QEMU places those from slot 2).</summary>
    public const int FirstPciSlot = 8;

    /// <summary>The last slot an adapter may take: i440fx has 32; q35's slot 31 is its ICH9 (LPC, SATA, SMBus).</summary>
    public static int LastPciSlot(int generation) => generation == 2 ? 30 : 31;

    public const string UserMode = "user";
    public const string TapPrefix = "tap:";

    /// <summary>The addresses of <see cref="AllowedAddresses"/>, one each; empty when there is no binding.</summary>
    public static IReadOnlyList<string> AddressesOf(string? allowed) =>
        allowed is null ? [] : [.. allowed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The model the guest sees.</summary>
    public static NicModel ModelOf(NetworkAdapter adapter) =>
        adapter.Model ?? (adapter.Kind == NetworkAdapterKind.Legacy ? NicModel.Tulip : NicModel.VirtioNet);

    /// <summary>True when nubed makes the adapter's port (a TAP): on a virtual switch or on none, not user-mode nor an operator's TAP.</summary>
    public static bool HasPort(NetworkAdapter adapter) => adapter.Switch is null || SwitchName(adapter) is not null;

    /// <summary>The switch's name when the adapter is on a virtual switch, else null.</summary>
    public static string? SwitchName(NetworkAdapter adapter) =>
        adapter.Switch is { } s && s != UserMode && !s.StartsWith(TapPrefix, StringComparison.Ordinal) ? s : null;

    /// <summary>The TAP device's name when the adapter is on one the operator made, else null.</summary>
    public static string? TapName(NetworkAdapter adapter) =>
        adapter.Switch is { } s && s.StartsWith(TapPrefix, StringComparison.Ordinal) ? s[TapPrefix.Length..] : null;
}
