using Nube.Core.Serialization;
using Nube.Core.Qemu;
using Nube.Core.Switches;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Switches;

public sealed class SwitchTests
{
    private static readonly VirtualSwitch Lan = new() { Id = Guid.Parse("0b5a9c1e-3f4d-4e2a-8c7b-1234567890ab"), Name = "lan" };

    [Theory]
    [InlineData("external", null, "interface: an external switch needs the host interface it bridges")]
    [InlineData("external", "eth0;reboot", "interface: 'eth0;reboot' is not an interface name")]
    [InlineData("external", "a-very-long-interface", "is not an interface name; a name has 1 to 15 characters")]
    [InlineData("external", "nbr0123456789ab", "is the loopback or a device Nube makes itself")]
    [InlineData("external", "lo", "is the loopback or a device Nube makes itself")]
    [InlineData("internal", "eth0", "interface: only an external switch bridges a host interface (this one is internal)")]
    public void An_external_switch_names_one_host_interface_and_no_other_kind_names_any(string kind, string? uplink, string says)
    {
        var sw = Lan with { Kind = EnumWords.TryParse<SwitchKind>(kind, out var k) ? k : SwitchKind.Private, Interface = uplink };
        var error = Assert.Single(SwitchRules.Validate(sw, []));
        Assert.Equal("interface", error.Field);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Device_names_come_from_ids_and_fit_the_kernel_limit()
    {
        var vm = Guid.Parse("6f1c1b3e-2a4d-4c8e-9b1f-0123456789ab");
        Assert.Equal(15, LinkNames.Bridge(Lan.Id).Length);
        Assert.StartsWith("nbr", LinkNames.Bridge(Lan.Id), StringComparison.Ordinal);
        Assert.Equal(15, LinkNames.Tap(vm, "nic0").Length);
        Assert.NotEqual(LinkNames.Tap(vm, "nic0"), LinkNames.Tap(vm, "nic1"));
        Assert.NotEqual(LinkNames.Tap(vm, "nic0"), LinkNames.Tap(Guid.NewGuid(), "nic0"));
        Assert.Equal(LinkNames.Bridge(Lan.Id), LinkNames.Bridge(Lan.Id));
    }

    [Fact]
    public void An_alias_tells_whose_a_device_is_and_only_to_its_own_host()
    {
        var vm = Guid.NewGuid();
        var port = LinkNames.PortAlias("a1b2c3d4", vm, "web 01", "nic3", Lan);
        Assert.Contains("(web 01 nic3 on lan)", port, StringComparison.Ordinal);
        Assert.Equal(new LinkOwner(Lan.Id, vm, "nic3"), LinkNames.ParseAlias("a1b2c3d4", port));
        Assert.Equal(new LinkOwner(Lan.Id, null, null), LinkNames.ParseAlias("a1b2c3d4", LinkNames.SwitchAlias("a1b2c3d4", Lan)));
        Assert.Null(LinkNames.ParseAlias("ffffffff", port));
        Assert.Null(LinkNames.ParseAlias("a1b2c3d4", "nube a1b2c3d4 switch not-an-id"));
        Assert.Null(LinkNames.ParseAlias("a1b2c3d4", null));
    }

    [Fact]
    public void An_alias_stays_within_255_bytes_whatever_the_names()
    {
        var alias = LinkNames.PortAlias("a1b2c3d4", Guid.NewGuid(), new string('é', 100), "nic0", Lan with { Name = new string('x', 64) });
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(alias) <= 255);
        Assert.DoesNotContain('\n', LinkNames.SwitchAlias("a1b2c3d4", Lan with { Name = "a\nb" }));
    }

    [Theory]
    [InlineData("lan", true)]
    [InlineData("dmz-2.vlan_10", true)]
    [InlineData("User", false)]
    [InlineData("-lan", false)]
    [InlineData("tap:x", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    public void Switch_names_are_plain_words(string name, bool valid) =>
        Assert.Equal(valid, SwitchRules.IsSwitchName(name));

    [Fact]
    public void A_switch_gets_every_problem_at_once()
    {
        var errors = SwitchRules.Validate(Lan with { Name = "user", HostAddresses = ["10.0.0.1/24"] }, ["LAN"]).Select(e => e.Message).ToList();
        Assert.Equal([
            "name: 'user' is reserved: an adapter's switch 'user' means QEMU's user-mode NAT",
            "hostAddresses: a private switch gives the host no address; only an internal switch has host addresses",
        ], errors);
        Assert.Equal(["name: 'lan' is already the name of another switch ('LAN')"],
            SwitchRules.Validate(Lan, ["LAN"]).Select(e => e.Message));
    }

    [Fact]
    public void Host_addresses_of_an_internal_switch_are_addresses_with_a_prefix()
    {
        var sw = Lan with { Kind = SwitchKind.Internal, HostAddresses = ["192.168.50.1/24", "fd00:50::1/64", "10.1.1.1", "10.1.1.1/33", "127.0.0.1/8", "192.168.50.1/24"] };
        Assert.Equal([
            "hostAddresses[2]: '10.1.1.1' is not an address with its prefix length, such as 192.168.50.1/24 or fd00:50::1/64",
            "hostAddresses[3]: '10.1.1.1/33' has the prefix length 33; an IPv4 prefix length is 1 to 32",
            "hostAddresses[4]: '127.0.0.1/8' is not an address a host interface can have (loopback, unspecified, multicast or reserved)",
            "hostAddresses[5]: '192.168.50.1/24' is listed twice",
        ], SwitchRules.Validate(sw, []).Select(e => e.Message));
    }

    [Fact]
    public void Removing_a_switch_leaves_its_adapters_not_connected_and_others_alone()
    {
        var vm = TestVms.KernelBoot() with
        {
            NetworkAdapters = [new NetworkAdapter { Id = "nic0", Switch = "LAN" }, new NetworkAdapter { Id = "nic1", Switch = "dmz" }, new NetworkAdapter { Id = "nic2", Switch = "user" }],
        };
        var after = new DisconnectSwitch("lan").Apply(vm);
        Assert.Equal([null, "dmz", "user"], after.NetworkAdapters.Select(a => a.Switch));
    }

    [Fact]
    public void Without_ports_or_NAT_switches_the_tables_go()
    {
        Assert.Equal("table bridge nube_ports_a1b2c3d4\ndelete table bridge nube_ports_a1b2c3d4\n", PortGuardRules.Render("a1b2c3d4", []));
        Assert.Equal("table ip nube_nat_a1b2c3d4\ndelete table ip nube_nat_a1b2c3d4\n", NatRules.Render("a1b2c3d4", [Lan]));
    }

    [Fact]
    public void A_NAT_and_DHCP_switch_serves_the_upper_half_of_its_first_IPv4_subnet()
    {
        var sw = Lan with { Kind = SwitchKind.Internal, HostAddresses = ["fd00::1/64", "10.77.41.1/24"], Nat = true, Dhcp = true };
        var a = SwitchAddressing.Of(sw)!;
        Assert.Equal(("10.77.41.1", "10.77.41.0/24", "255.255.255.0", "10.77.41.128", "10.77.41.254"),
            (a.Gateway.ToString(), a.Subnet, a.Mask.ToString(), a.FirstLease.ToString(), a.LastLease.ToString()));
        Assert.Equal("10.77.41.201", SwitchAddressing.Of(sw with { HostAddresses = ["10.77.41.200/24"] })!.FirstLease.ToString());
        Assert.Contains("    ip saddr 10.77.41.0/24 ip daddr != 10.77.41.0/24 masquerade\n", NatRules.Render("a1b2c3d4", [sw]), StringComparison.Ordinal);
        Assert.Empty(SwitchRules.Validate(sw, []));
        Assert.Equal(["nat: a private switch gives the host no address to serve NAT from; make it internal",
            "dhcp: needs an IPv4 host address on the switch with a prefix of 8 to 30 (such as 192.168.50.1/24), which it serves the subnet from"],
            SwitchRules.Validate(Lan with { Nat = true }, []).Select(e => e.Message)
                .Concat(SwitchRules.Validate(sw with { Nat = false, HostAddresses = ["fd00::1/64"] }, []).Select(e => e.Message)));
    }

    [Fact]
    public void A_VLAN_is_1_to_4094_a_bandwidth_1_to_100000_Mbit_s_and_a_weight_1_to_100()
    {
        var vm = TestVms.KernelBoot() with
        {
            NetworkAdapters = [new NetworkAdapter { Switch = "lan", VlanId = 4095, MaximumBandwidthMbps = 0, MinimumBandwidthWeight = 0 },
                new NetworkAdapter { Switch = "lan", VlanId = 4094, MaximumBandwidthMbps = 100_000, MinimumBandwidthWeight = 100 },
                new NetworkAdapter { Switch = "lan", MinimumBandwidthWeight = 101 }],
        };
        Assert.Equal(["networkAdapters[0].vlanId: 4095 is outside the range of VLAN IDs 1 to 4094",
            "networkAdapters[0].maximumBandwidthMbps: 0 is outside the range of Mbit/s 1 to 100000",
            "networkAdapters[0].minimumBandwidthWeight: 0 is outside the range of weights 1 to 100",
            "networkAdapters[2].minimumBandwidthWeight: 101 is outside the range of weights 1 to 100"],
            VmValidator.Validate(DeviceIds.FromPositions(vm), Nube.Core.Editions.Editions.Nube, [], ["lan"]).Select(e => e.Message));
    }

    [Fact]
    public void The_guards_drop_what_a_guest_may_not_send_port_by_port_in_one_table_of_the_host()
    {
        SwitchPort Port(string tap, PortGuards guards) => new("vm", "nic0", tap, "lan", false, guards);
        var rules = PortGuardRules.Render("a1b2c3d4",
        [
            Port("ntp000000000002", new PortGuards("52:54:00:00:00:02", MacAddressSpoofing: true, DhcpGuard: false, RouterGuard: false)),
            Port("ntp000000000001", new PortGuards("52:54:00:00:00:01", MacAddressSpoofing: false, DhcpGuard: true, RouterGuard: true)),
        ]);
        Assert.Equal("""
            table bridge nube_ports_a1b2c3d4
            delete table bridge nube_ports_a1b2c3d4
            table bridge nube_ports_a1b2c3d4 {
              chain from_guests {
                type filter hook prerouting priority filter; policy accept;
                iifname "ntp000000000001" ether saddr != 52:54:00:00:00:01 drop
                iifname "ntp000000000001" ether type arp arp saddr ether != 52:54:00:00:00:01 drop
                iifname "ntp000000000001" udp sport 67 drop
                iifname "ntp000000000001" udp sport 547 drop
                iifname "ntp000000000001" icmpv6 type { nd-router-advert, nd-redirect } drop
                iifname "ntp000000000001" icmp type redirect drop
              }
            }

            """.Replace("\r", ""), rules);

        // Two ports on VLAN 10 keep to each other, off the untagged VLAN 1 and off the host.
        var guards = new PortGuards(null, MacAddressSpoofing: true, DhcpGuard: false, RouterGuard: false);
        var vlans = PortGuardRules.Render("a1b2c3d4", [Port("ntpb", guards) with { Vlan = 10 }, Port("ntpa", guards) with { Vlan = 10 }, Port("ntpc", guards)]);
        Assert.Contains("  set vlan10 {\n    type ifname\n    elements = { \"ntpa\", \"ntpb\" }\n  }\n", vlans, StringComparison.Ordinal);
        Assert.Contains("    iifname @vlan10 oifname != @vlan10 drop\n    oifname @vlan10 iifname != @vlan10 drop\n", vlans, StringComparison.Ordinal);
        Assert.Contains("hook input priority filter; policy accept;\n    iifname @vlan10 drop\n", vlans, StringComparison.Ordinal);
        Assert.Contains("hook output priority filter; policy accept;\n    oifname @vlan10 drop\n", vlans, StringComparison.Ordinal);
        Assert.DoesNotContain("ntpc", vlans, StringComparison.Ordinal);

        // A maximum bandwidth polices what the guest sends: 20 Mbit/s is 2 500 000 bytes a second, a tenth of it as burst.
        var capped = PortGuardRules.Render("a1b2c3d4", [Port("ntpd", guards) with { BandwidthMbps = 20 }]);
        Assert.Contains("    iifname \"ntpd\" limit rate over 2500000 bytes/second burst 250000 bytes drop\n", capped, StringComparison.Ordinal);

        // Bound to its addresses, a guest claims no other in ARP and sends from no other; DHCP, probes, link-local and DAD stay possible.
        var bound = PortGuardRules.Render("a1b2c3d4", [Port("ntpe", guards with { Addresses = "10.0.0.5,10.0.1.0/29,fd00::5" })]);
        Assert.Contains("""
                iifname "ntpe" ether type arp arp saddr ip != { 10.0.0.5, 10.0.1.0/29, 0.0.0.0 } drop
                iifname "ntpe" ip saddr != { 10.0.0.5, 10.0.1.0/29, 0.0.0.0 } drop
                iifname "ntpe" ip6 saddr != { fd00::5, fe80::/10, :: } drop

            """.Replace("\r", ""), bound, StringComparison.Ordinal);
        var v6Only = PortGuardRules.Render("a1b2c3d4", [Port("ntpf", guards with { Addresses = "fd00::5" })]);
        Assert.Contains("iifname \"ntpf\" ip saddr != { 0.0.0.0 } drop", v6Only, StringComparison.Ordinal);
    }

    [Fact]
    public void Bound_addresses_are_plain_addresses_or_prefixes_at_most_32()
    {
        VmConfig With(string allowed) => DeviceIds.Assign(null, TestVms.KernelBoot() with
        {
            NetworkAdapters = [new NetworkAdapter { Switch = "lan", AllowedAddresses = allowed }],
        });
        IEnumerable<string> Errors(string allowed) => VmValidator.Validate(With(allowed), Nube.Core.Editions.Editions.Nube, [], ["lan"]).Select(e => e.Message);
        Assert.Empty(Errors("10.0.0.5, 10.0.1.0/29,fd00::5"));
        Assert.Equal(["networkAdapters[0].allowedAddresses: '10.0.0.5/24' is not an IP address or prefix in its plain form (10.0.0.5, 10.0.0.0/29, fd00::5)",
            "networkAdapters[0].allowedAddresses: 'web' is not an IP address or prefix in its plain form (10.0.0.5, 10.0.0.0/29, fd00::5)",
            "networkAdapters[0].allowedAddresses: '0.0.0.0' is not an IP address or prefix in its plain form (10.0.0.5, 10.0.0.0/29, fd00::5)"],
            Errors("10.0.0.5/24,web,0.0.0.0"));
        Assert.Equal(["networkAdapters[0].allowedAddresses: 33 addresses; an adapter is bound to 1 to 32 addresses or prefixes (leave the setting out for no binding)"],
            Errors(string.Join(',', Enumerable.Range(1, 33).Select(n => $"10.0.0.{n}"))));
    }

    [Fact]
    public void An_adapter_changes_its_switch_and_guards_while_it_runs_and_nothing_else()
    {
        var running = DeviceIds.Assign(null, TestVms.KernelBoot() with { NetworkAdapters = [new NetworkAdapter { MacAddress = "52:54:00:00:00:01", Switch = "lan" }] });
        VmConfig With(Func<NetworkAdapter, NetworkAdapter> change) => running with { NetworkAdapters = [change(running.NetworkAdapters[0])] };
        var guardsOnly = DevicePlan.Plan(running, With(a => a with { DhcpGuard = false }));
        Assert.Equal(["plug TAP " + LinkNames.Tap(running.Id, "nic0") + " into switch lan, VLAN 1, guards: MAC, router"],
            guardsOnly.Single().Steps.Select(s => s.Do.Describe()));
        Assert.Empty(LiveChanges.Check(VmConfigDiff.Compute(running, With(a => a with { Switch = "dmz", MacAddressSpoofing = true })), VmState.Running));
        Assert.NotEmpty(LiveChanges.Check(VmConfigDiff.Compute(running, With(a => a with { Model = NicModel.VirtioNet })), VmState.Running));
    }
}
