using Nube.Core.Qemu;
using Nube.Core.Switches;

namespace Nube.Core.Tests.Switches;

public sealed class BandwidthSharesTests
{
    private static readonly PortGuards Open = new(null, MacAddressSpoofing: true, DhcpGuard: false, RouterGuard: false);

    private static SwitchPort Port(string tap, string? sw, int? weight = null, int? mbps = null) =>
        new("vm", "nic0", tap, sw, false, Open, BandwidthMbps: mbps, Weight: weight);

    [Fact]
    public void A_queue_guarantees_each_weighted_port_its_share_and_the_rest_what_the_weights_leave_each_may_take_the_whole_link()
    {
        // 40 Mbit/s, one port weighing 60: it is guaranteed 24 Mbit/s, everything else 16; either borrows up to 40.
        Assert.Equal([
            "qdisc add dev ntpc root handle 4e: htb default 2",
            "class add dev ntpc parent 4e: classid 4e:1 htb rate 40mbit ceil 40mbit burst 50000 cburst 50000",
            "class add dev ntpc parent 4e:1 classid 4e:2 htb rate 16000kbit ceil 40mbit burst 50000 cburst 50000 quantum 60560",
            "qdisc add dev ntpc parent 4e:2 bfifo limit 250000",
            "class add dev ntpc parent 4e:1 classid 4e:10 htb rate 24000kbit ceil 40mbit burst 50000 cburst 50000 quantum 90840",
            "qdisc add dev ntpc parent 4e:10 bfifo limit 250000",
        ], BandwidthShares.Render("ntpc", 40, [(0x10, 60)]));
        // Weights past 100 are relative to each other; the rest keeps 1.
        Assert.Equal(1, BandwidthShares.DefaultWeight([75, 50]));
        Assert.Equal(25, BandwidthShares.DefaultWeight([75]));
        // Without weights it is a plain shaper: one class takes it all.
        Assert.Equal(4, BandwidthShares.Render("ntpc", 20, []).Count);
    }

    [Fact]
    public void Queues_are_made_where_ports_contend_under_a_maximum_and_on_an_external_uplink_with_the_ports_of_that_switch_only()
    {
        SwitchPort[] ports = [Port("ntpa", "lan", weight: 75), Port("ntpb", "LAN", weight: 25), Port("ntpc", "lan", mbps: 40),
            Port("ntpd", "wan", weight: 50), Port("ntpe", null, weight: 10, mbps: 10), Port("ntpf", "lan")];
        var queues = BandwidthShares.Queues(ports, sw => sw == "wan" ? ("eth1", 1000) : null);

        Assert.Equal(["eth1", "ntpc", "ntpe"], queues.Keys.Order(StringComparer.Ordinal));
        // c's queue shares its 40 Mbit/s between a (4e:10) and b (4e:11), which are on its switch (by name, in any case), not d:
        // 75, 25 and the rest's 1 of 101.
        var c = queues["ntpc"];
        Assert.Contains(c, l => l.StartsWith("class add dev ntpc parent 4e:1 classid 4e:10 htb rate 29702kbit ", StringComparison.Ordinal));
        Assert.Contains(c, l => l.StartsWith("class add dev ntpc parent 4e:1 classid 4e:11 htb rate 9900kbit ", StringComparison.Ordinal));
        Assert.Contains(c, l => l.StartsWith("class add dev ntpc parent 4e:1 classid 4e:2 htb rate 396kbit ", StringComparison.Ordinal));
        Assert.DoesNotContain(c, l => l.Contains("4e:12", StringComparison.Ordinal));
        // The external switch's uplink shares its link speed with d; a port on no switch has no class, only its own maximum.
        Assert.Contains(queues["eth1"], l => l.StartsWith("class add dev eth1 parent 4e:1 classid 4e:12 htb rate 500000kbit ceil 1000mbit ", StringComparison.Ordinal));
        Assert.Equal(BandwidthShares.Render("ntpe", 10, []), queues["ntpe"]);
        // A switch without an uplink speed (private, internal, or a link that says none) gets no uplink queue.
        Assert.Equal(["ntpc", "ntpe"], BandwidthShares.Queues(ports, _ => null).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_port_table_gives_a_weighted_ports_packets_its_class_and_no_other_port_any()
    {
        var rules = PortGuardRules.Render("a1b2c3d4", [Port("ntpb", "lan", weight: 25), Port("ntpa", "lan", weight: 75), Port("ntpc", "lan"), Port("ntpe", null, weight: 10)]);
        Assert.Contains("    iifname \"ntpa\" meta priority set 4e:10\n", rules, StringComparison.Ordinal);
        Assert.Contains("    iifname \"ntpb\" meta priority set 4e:11\n", rules, StringComparison.Ordinal);
        Assert.Equal(2, rules.Split("meta priority").Length - 1);
    }
}
