using System.Globalization;
using System.Text;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Switches;

/// <summary>
/// The nftables table (bridge family) that guards what guests send into their switches, and
/// keeps VLANs apart, replaced whole and atomically by <c>nft -f</c>. Per port: frames and ARP
/// from any MAC but the adapter's (unless MAC spoofing is on), DHCP and DHCPv6 server answers
/// (DHCP guard), router advertisements and redirects (router guard), packets and ARP from IP
/// addresses the adapter is not bound to (when it is), and what it sends past its maximum bandwidth;
/// a weighted port's packets get its class (<see cref="BandwidthShares"/>). Per VLAN other
/// than the untagged 1: a set of its ports, which exchange frames with each other only, and
/// not with the host's end of an internal switch (which is on VLAN 1). Access ports, as Hyper-V
/// gives each adapter: the guest sends and gets untagged frames. Pure: tested; nubed applies it.
/// </summary>
public static class PortGuardRules
{
    /// <summary>One table per host key: two nubeds on one machine keep their own.</summary>
    public static string Table(string hostKey) => $"nube_ports_{hostKey}";

    public static string Render(string hostKey, IEnumerable<SwitchPort> ports)
    {
        var table = Table(hostKey);
        var sorted = ports.OrderBy(p => p.Tap, StringComparer.Ordinal).ToList();
        var classes = BandwidthShares.Classes(sorted);
        var vlans = sorted.Where(p => p.Vlan != 1).GroupBy(p => p.Vlan).OrderBy(g => g.Key).ToList();
        var rules = new StringBuilder();
        // Declare, delete and make again in one transaction: the old rules hold until the new ones do.
        // Without ports, the table goes: a host without running ports keeps nothing in its firewall.
        rules.Append($"table bridge {table}\ndelete table bridge {table}\n");
        if (sorted.Count == 0)
            return rules.ToString();
        rules.Append($"table bridge {table} {{\n");
        foreach (var vlan in vlans)
            rules.Append($"  set vlan{Id(vlan.Key)} {{\n    type ifname\n    elements = {{ {string.Join(", ", vlan.Select(p => $"\"{p.Tap}\""))} }}\n  }}\n");
        rules.Append("  chain from_guests {\n    type filter hook prerouting priority filter; policy accept;\n");
        foreach (var port in sorted)
        {
            var from = $"    iifname \"{port.Tap}\"";
            var g = port.Guards;
            if (!g.MacAddressSpoofing && g.Mac is { } mac)
            {
                rules.Append($"{from} ether saddr != {mac} drop\n");
                rules.Append($"{from} ether type arp arp saddr ether != {mac} drop\n");
            }
            if (g.Addresses is { } allowed)
                AddressBinding(rules, from, NetworkAdapter.AddressesOf(allowed));
            if (g.DhcpGuard)
            {
                rules.Append($"{from} udp sport 67 drop\n");
                rules.Append($"{from} udp sport 547 drop\n");
            }
            if (g.RouterGuard)
            {
                rules.Append($"{from} icmpv6 type {{ nd-router-advert, nd-redirect }} drop\n");
                rules.Append($"{from} icmp type redirect drop\n");
            }
            // What the guest sends past its maximum is dropped (policed): the kernel's token bucket
            // with a tenth of a second of burst. What it receives is shaped on its TAP (tc), not here.
            if (port.BandwidthMbps is { } mbps)
            {
                var bytes = (long)mbps * 1_000_000 / 8;
                rules.Append($"{from} limit rate over {bytes} bytes/second burst {Math.Max(bytes / 10, 64 * 1024)} bytes drop\n");
            }
            if (classes.TryGetValue(port.Tap, out var share))
                rules.Append($"{from} meta priority set {BandwidthShares.ClassId(share)}\n");
        }
        rules.Append("  }\n");
        if (vlans.Count > 0)
        {
            // Frames between ports (floods included: the bridge asks once per port it sends to), then to and from the host.
            rules.Append("  chain between_ports {\n    type filter hook forward priority filter; policy accept;\n");
            foreach (var vlan in vlans)
            {
                rules.Append($"    iifname @vlan{Id(vlan.Key)} oifname != @vlan{Id(vlan.Key)} drop\n");
                rules.Append($"    oifname @vlan{Id(vlan.Key)} iifname != @vlan{Id(vlan.Key)} drop\n");
            }
            rules.Append("  }\n  chain to_host {\n    type filter hook input priority filter; policy accept;\n");
            foreach (var vlan in vlans)
                rules.Append($"    iifname @vlan{Id(vlan.Key)} drop\n");
            rules.Append("  }\n  chain from_host {\n    type filter hook output priority filter; policy accept;\n");
            foreach (var vlan in vlans)
                rules.Append($"    oifname @vlan{Id(vlan.Key)} drop\n");
            rules.Append("  }\n");
        }
        rules.Append("}\n");
        return rules.ToString();
    }

    /// <summary>
    /// IP address binding: ARP and IPv4 only from the allowed IPv4 addresses (and 0.0.0.0, which
    /// a DHCP client and an address probe send from), IPv6 only from the allowed IPv6 addresses,
    /// link-local ones and :: (duplicate address detection). A guest bound to IPv6 alone sends no IPv4.
    /// </summary>
    private static void AddressBinding(StringBuilder rules, string from, IReadOnlyList<string> allowed)
    {
        var v4 = allowed.Where(a => !a.Contains(':', StringComparison.Ordinal)).Append("0.0.0.0");
        var v6 = allowed.Where(a => a.Contains(':', StringComparison.Ordinal)).Append("fe80::/10").Append("::");
        var set4 = $"{{ {string.Join(", ", v4)} }}";
        rules.Append($"{from} ether type arp arp saddr ip != {set4} drop\n");
        rules.Append($"{from} ip saddr != {set4} drop\n");
        rules.Append($"{from} ip6 saddr != {{ {string.Join(", ", v6)} }} drop\n");
    }

    private static string Id(int vlan) => vlan.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The nftables table (ip family) that masquerades what VMs on NAT switches send beyond their
/// subnet, as the host's own traffic: Hyper-V's Default Switch, libvirt's default network.
/// </summary>
public static class NatRules
{
    public static string Table(string hostKey) => $"nube_nat_{hostKey}";

    public static string Render(string hostKey, IEnumerable<VirtualSwitch> switches)
    {
        var table = Table(hostKey);
        var rules = new StringBuilder($"table ip {table}\ndelete table ip {table}\n");
        var subnets = switches.Where(s => s.Nat).Select(SwitchAddressing.Of).OfType<SwitchAddressing>().Select(a => a.Subnet).Distinct().Order(StringComparer.Ordinal).ToList();
        if (subnets.Count == 0)
            return rules.ToString();
        rules.Append($"table ip {table} {{\n  chain postrouting {{\n    type nat hook postrouting priority srcnat; policy accept;\n");
        foreach (var subnet in subnets)
            rules.Append($"    ip saddr {subnet} ip daddr != {subnet} masquerade\n");
        rules.Append("  }\n}\n");
        return rules.ToString();
    }
}
