using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nube.Contracts.Client;
using Nube.Contracts.Switches;
using Nube.Contracts.Vms;
using Nube.EndToEnd.Tests.Infrastructure;
using static Nube.EndToEnd.Tests.Infrastructure.SwitchGuests;
using Xunit.Abstractions;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// Virtual switches made by nubed running in a network namespace the test makes (so that its
/// bridges and TAPs, and the addresses on them, are the test's alone), with real guests on them.
/// </summary>
[Collection(Alone.Name)]
public sealed class SwitchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task VMs_on_a_private_switch_reach_each_other_and_nothing_else_and_the_host_reaches_them_on_an_internal_one()
    {
        await using var ns = await NetNamespace.MakeAsync();
        await using var host = await NubedHost.StartWrappedAsync(output, _ => ns.Exec);
        var switches = host.Client.Switches;
        var lan = await switches.CreateAsync(new SwitchSettings { Name = "lan" });
        await switches.CreateAsync(new SwitchSettings { Name = "island-a" });
        await switches.CreateAsync(new SwitchSettings { Name = "island-b" });
        await switches.CreateAsync(new SwitchSettings { Name = "inside", Kind = "internal", HostAddresses = ["10.77.3.1/24"] });

        // a and b share lan; their second adapters sit on two private switches in one subnet; b also has the internal one.
        var a = await CreateAsync(host, "a", ("lan", "52:54:00:77:01:01"), ("island-a", "52:54:00:77:02:01"));
        var b = await CreateAsync(host, "b", ("lan", "52:54:00:77:01:02"), ("island-b", "52:54:00:77:02:02"), ("inside", "52:54:00:77:03:02"));
        await Task.WhenAll(host.Client.RunJobAsync("a", "start"), host.Client.RunJobAsync("b", "start"));
        foreach (var vm in new[] { "a", "b" })
            Assert.True((await host.Client.GetVmAsync(vm, 90)).GuestAgent?.Responding, $"the guest agent of {vm} did not answer");
        await AddressAsync(host, a, ("52:54:00:77:01:01", "10.77.1.1/24"), ("52:54:00:77:02:01", "10.77.2.1/24"));
        await AddressAsync(host, b, ("52:54:00:77:01:02", "10.77.1.2/24"), ("52:54:00:77:02:02", "10.77.2.2/24"), ("52:54:00:77:03:02", "10.77.3.2/24"));

        Assert.Equal("reached", await PingFromAsync(host, a, "10.77.1.2"));
        Assert.Equal("unreachable", await PingFromAsync(host, a, "10.77.2.2"));
        // A port is metered by the host, from its TAP's counters, which the guest cannot change.
        var metered = (await host.Client.MeasureVmAsync("a")).NetworkAdapters[0];
        Assert.Equal(("host", "lan"), (metered.Source, metered.Switch));
        Assert.True(metered.SentBytes > 0 && metered.ReceivedBytes > 0, $"a's lan adapter was metered at {metered.SentBytes} / {metered.ReceivedBytes} bytes");
        var fromHost = await ns.RunAsync("ping", "-c", "2", "-W", "2", "10.77.3.2");
        Assert.True(fromHost.ExitCode == 0, $"the host did not reach b on the internal switch: {fromHost.Stdout}{fromHost.Stderr}");
        // A private switch gives the host nothing to be reached at: no address, not even IPv6 link-local.
        Assert.Empty(await AddressesAsync(ns, lan.Bridge));
        Assert.Equal(["10.77.3.1/24"], await AddressesAsync(ns, (await switches.GetAsync("inside")).Bridge));

        // Each running adapter has a TAP named from ids, on its switch's bridge, whose alias says whose it is.
        var shown = await switches.GetAsync("lan");
        Assert.True(shown.Ready);
        Assert.Equal(["a", "b"], shown.Adapters.Select(x => x.Vm).Order());
        var links = await LinksAsync(ns);
        foreach (var port in shown.Adapters)
        {
            var tap = Assert.Single(links, l => l.Name == port.Tap);
            Assert.Equal(lan.Bridge, tap.Master);
            Assert.EndsWith($"({port.Vm} {port.Adapter} on lan)", tap.Alias, StringComparison.Ordinal);
        }

        // The guards: a's DHCP server on lan leaves b without a lease until a's DHCP guard is turned off (while a runs);
        // frames and ARP from a MAC that is not the adapter's go nowhere.
        await GuestShell.RunAsync(host, a, $"{Iface("52:54:00:77:01:01")}; printf 'start 10.77.1.100\\nend 10.77.1.110\\ninterface %s\\nopt subnet 255.255.255.0\\n" +
            "lease_file /tmp/leases\\n' $n > /tmp/udhcpd.conf && touch /tmp/leases && udhcpd /tmp/udhcpd.conf");
        Assert.Equal("no lease", await LeaseAsync(host, b, "52:54:00:77:01:02"));
        await SetAdapterAsync(host, "a", "52:54:00:77:01:01", n => n with { DhcpGuard = false });
        Assert.Equal("lease", await LeaseAsync(host, b, "52:54:00:77:01:02"));
        var spoofed = await GuestShell.RunAsync(host, a, $"{Iface("52:54:00:77:01:01")}; ip link set dev $n down; ip link set dev $n address 52:54:00:77:99:99; " +
            "ip link set dev $n up; arping -U -c 2 -I $n 10.77.1.1 >/dev/null 2>&1; if ping -c 2 -W 2 10.77.1.2 >/dev/null 2>&1; then echo R''EACHED; else echo U''NREACHABLE; fi; " +
            "ip link set dev $n down; ip link set dev $n address 52:54:00:77:01:01; ip link set dev $n up");
        Assert.Contains("UNREACHABLE", spoofed, StringComparison.Ordinal);
        Assert.DoesNotContain("52:54:00:77:99:99", await GuestShell.RunAsync(host, b, "ip neigh show"), StringComparison.OrdinalIgnoreCase);

        // VLANs, changed while both run: b's lan adapter on VLAN 10 no longer reaches a (on the untagged VLAN 1) until a joins it.
        await SetAdapterAsync(host, "b", "52:54:00:77:01:02", n => n with { VlanId = 10 });
        Assert.Equal("unreachable", await PingFromAsync(host, a, "10.77.1.2"));
        await SetAdapterAsync(host, "a", "52:54:00:77:01:01", n => n with { VlanId = 10 });
        Assert.Equal("reached", await PingFromAsync(host, a, "10.77.1.2"));

        // A maximum bandwidth, set while b runs, holds both ways within a fifth (iperf3 between the host and b's internal adapter).
        await SetAdapterAsync(host, "b", "52:54:00:77:03:02", n => n with { MaximumBandwidthMbps = 20 });
        await GuestShell.RunAsync(host, b, "iperf3 -s -D");
        var toGuest = await IperfMbpsAsync(ns, "10.77.3.2");
        var fromGuest = await IperfMbpsAsync(ns, "10.77.3.2", "-R");
        output.WriteLine($"20 Mbit/s cap: host to guest {toGuest:0.0}, guest to host {fromGuest:0.0} Mbit/s");
        Assert.InRange(toGuest, 16, 24);
        Assert.InRange(fromGuest, 16, 24);

        // A minimum bandwidth weight: a joins the internal switch (hot added by the CLI, weight 75) and sends to b while the
        // host does, both under b's 20 Mbit/s: a gets about three quarters, the host the quarter left. Weight 25, the other way.
        var joined = await NubeCli.RunAsync(host, "vm", "nic", "add", "a", "synthetic:inside,weight=75", "--mac", "52:54:00:77:03:01");
        Assert.True(joined.ExitCode == 0, joined.Stderr);
        await WaitForMacAsync(host, a, "52:54:00:77:03:01", present: true);
        await AddressAsync(host, a, ("52:54:00:77:03:01", "10.77.3.3/24"));
        await GuestShell.RunAsync(host, b, "iperf3 -s -D -p 5202");
        var heavy = await ContendAsync(ns, host, a);
        await SetAdapterAsync(host, "a", "52:54:00:77:03:01", n => n with { MinimumBandwidthWeight = 25 });
        var light = await ContendAsync(ns, host, a);
        output.WriteLine($"into b at 20 Mbit/s: a weighing 75 {heavy.Guest:0.0}, the host {heavy.Host:0.0}; a weighing 25 {light.Guest:0.0}, the host {light.Host:0.0} Mbit/s");
        Assert.True(heavy.Guest > 2 * heavy.Host, $"weighing 75, a had {heavy.Guest:0.0} Mbit/s and the host {heavy.Host:0.0}");
        Assert.True(light.Host > 2 * light.Guest, $"weighing 25, a had {light.Guest:0.0} Mbit/s and the host {light.Host:0.0}");

        // While a runs: its second adapter moves to b's island (the link drops and returns), and reaches b there.
        await SetAdapterAsync(host, "a", "52:54:00:77:02:01", n => n with { Switch = "island-b" });
        Assert.Equal("reached", await PingFromAsync(host, a, "10.77.2.2"));

        // A switch in use is kept unless forced; forced, its running adapters are pulled out (their link goes down).
        var refused = await Assert.ThrowsAsync<NubeApiException>(() => switches.RemoveAsync("lan"));
        Assert.Equal(409, refused.Status);
        Assert.Contains("in use by VM 'a' adapter nic0, VM 'b' adapter nic0", refused.Message, StringComparison.Ordinal);
        await switches.RemoveAsync("lan", force: true);
        Assert.Null((await host.Client.GetVmAsync("a")).Settings!.NetworkAdapters![0].Switch);
        Assert.Equal("unreachable", await PingFromAsync(host, a, "10.77.1.2"));
        Assert.Contains("carrier=0", await GuestShell.RunAsync(host, a,
            "for d in /sys/class/net/*; do [ \"$(cat $d/address)\" = 52:54:00:77:01:01 ] && echo carrier=$(cat $d/carrier); done; true"), StringComparison.Ordinal);
        Assert.DoesNotContain(await LinksAsync(ns), l => l.Name == lan.Bridge);

        // A VM turned off gives its TAPs back at once.
        await host.Client.RunJobAsync("a", "turn-off");
        Assert.DoesNotContain(await LinksAsync(ns), l => shown.Adapters.Any(p => p.Vm == "a" && p.Tap == l.Name));
    }

    [Fact]
    public async Task A_restarted_nubed_finishes_or_cleans_what_a_killed_one_left_and_only_its_own()
    {
        await using var ns = await NetNamespace.MakeAsync();
        await using var host = await NubedHost.StartWrappedAsync(output, _ => ns.Exec);
        var kept = await host.Client.Switches.CreateAsync(new SwitchSettings { Name = "kept", Kind = "internal", HostAddresses = ["10.77.4.1/24"] });
        await host.KillServiceAsync();

        // What a nubed killed half way leaves: a bridge whose switch file was never written, a TAP of a VM
        // that is not running, and the bridge of a switch whose file was written, gone. Another host's bridge stays.
        var key = File.ReadAllText(Path.Combine(host.DataDir, "host-id")).Trim().Replace("-", "")[..8];
        await ns.OkAsync("ip", "link", "add", "name", "nbrhalfmade0001", "type", "bridge");
        await ns.OkAsync("ip", "link", "set", "dev", "nbrhalfmade0001", "alias", $"nube {key} switch {Guid.NewGuid():N} (half-made)");
        await ns.OkAsync("ip", "tuntap", "add", "dev", "ntpleftover0002", "mode", "tap");
        await ns.OkAsync("ip", "link", "set", "dev", "ntpleftover0002", "alias", $"nube {key} port {Guid.NewGuid():N} nic0 {kept.Id:N} (gone nic0 on kept)");
        await ns.OkAsync("ip", "link", "add", "name", "nbrotherhost003", "type", "bridge");
        await ns.OkAsync("ip", "link", "set", "dev", "nbrotherhost003", "alias", $"nube 00000000 switch {Guid.NewGuid():N} (another host's)");
        await ns.OkAsync("ip", "link", "del", "dev", kept.Bridge);
        // A switch whose file cannot be read keeps its bridge: it is not a leftover, only unreadable.
        var broken = Guid.NewGuid();
        File.WriteAllText(Path.Combine(host.DataDir, "switches", $"{broken:D}.json"), "{ not json");
        await ns.OkAsync("ip", "link", "add", "name", "nbrunreadable04", "type", "bridge");
        await ns.OkAsync("ip", "link", "set", "dev", "nbrunreadable04", "alias", $"nube {key} switch {broken:N} (unreadable)");

        await host.StartServiceAsync();
        var links = (await LinksAsync(ns)).Select(l => l.Name).ToList();
        Assert.DoesNotContain("nbrhalfmade0001", links);
        Assert.DoesNotContain("ntpleftover0002", links);
        Assert.Contains("nbrotherhost003", links);
        Assert.Contains("nbrunreadable04", links);
        var again = await host.Client.Switches.GetAsync("kept");
        Assert.True(again.Ready, again.Problem);
        Assert.Equal(["10.77.4.1/24"], await AddressesAsync(ns, kept.Bridge));

        // Bad input names the field, the value and the rule, and leaves no device behind.
        var taken = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.Switches.CreateAsync(new SwitchSettings { Name = "KEPT" }));
        Assert.Equal(400, taken.Status);
        Assert.Contains("name: 'KEPT' is already the name of another switch ('kept')", taken.Message, StringComparison.Ordinal);
        var bad = await Assert.ThrowsAsync<NubeApiException>(() =>
            host.Client.Switches.CreateAsync(new SwitchSettings { Name = "user", HostAddresses = ["10.1.1.1/24"] }));
        Assert.Contains("name: 'user' is reserved", bad.Message, StringComparison.Ordinal);
        Assert.Contains("hostAddresses: a private switch gives the host no address", bad.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.CreateVmAsync(NubedHost.GuestSettings("nowhere") with
        {
            NetworkAdapters = [new NetworkAdapterSettings { Kind = "synthetic", Switch = "dmz" }],
        }));
        Assert.Contains("networkAdapters[0].switch: 'dmz' is not a switch of this host (it has 'kept')", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(404, (await Assert.ThrowsAsync<NubeApiException>(() => host.Client.Switches.RemoveAsync("dmz"))).Status);
        Assert.Equal(3, (await LinksAsync(ns)).Count(l => l.Name.StartsWith("nbr", StringComparison.Ordinal)));

        // The CLI's table and its JSON.
        var table = await NubeCli.OkAsync(host, "switch", "list");
        Assert.Contains("kept", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("10.77.4.1/24", table.Stdout, StringComparison.Ordinal);
        var json = JsonSerializer.Deserialize((await NubeCli.OkAsync(host, "switch", "show", "kept", "--json")).Stdout, Contracts.ContractsJson.Default.SwitchInfo)!;
        Assert.Equal(kept.Id, json.Id);
    }

    [Fact]
    public async Task A_guest_bound_to_its_address_cannot_take_another_VMs_with_a_forged_ARP_and_an_unbound_one_can()
    {
        const string GoodMac = "52:54:00:79:01:02", EvilMac = "52:54:00:79:01:03";
        await using var ns = await NetNamespace.MakeAsync();
        await using var host = await NubedHost.StartWrappedAsync(output, _ => ns.Exec);
        var inside = await host.Client.Switches.CreateAsync(new SwitchSettings { Name = "inside", Kind = "internal", HostAddresses = ["10.79.1.1/24"] });
        var good = await CreateAsync(host, "good", ("inside", GoodMac));
        var evil = await CreateAsync(host, "evil", ("inside", EvilMac));
        await SetAdapterAsync(host, "evil", EvilMac, n => n with { AllowedAddresses = ["10.79.1.3"] });
        await Task.WhenAll(host.Client.RunJobAsync("good", "start"), host.Client.RunJobAsync("evil", "start"));
        foreach (var vm in new[] { "good", "evil" })
            Assert.True((await host.Client.GetVmAsync(vm, 90)).GuestAgent?.Responding, $"the guest agent of {vm} did not answer");
        await AddressAsync(host, good, (GoodMac, "10.79.1.2/24"));
        await AddressAsync(host, evil, (EvilMac, "10.79.1.3/24"));
        foreach (var address in new[] { "10.79.1.2", "10.79.1.3" })
            Assert.True(await ns.ReachesAsync(address, count: 1), $"the host did not reach {address}");

        // evil takes good's address and tells the switch so (gratuitous ARP from its own MAC), as an attacker would.
        var forge = $"{Iface(EvilMac)}; ip addr add 10.79.1.2/32 dev $n 2>/dev/null; sleep 2; arping -U -c 3 -s 10.79.1.2 -I $n 10.79.1.2 >/dev/null 2>&1; arping -A -c 3 -s 10.79.1.2 -I $n 10.79.1.2 >/dev/null 2>&1; true";
        await GuestShell.RunAsync(host, evil, forge);
        Assert.Equal(GoodMac, await HostNeighbourAsync(ns, inside.Bridge, "10.79.1.2"));
        Assert.True(await ns.ReachesAsync("10.79.1.2", count: 1), "good lost its address to a forged ARP");

        // Unbound (while it runs), the same forgery takes the host's entry: the binding is what stopped it.
        await SetAdapterAsync(host, "evil", EvilMac, n => n with { AllowedAddresses = null });
        await GuestShell.RunAsync(host, evil, forge);
        Assert.Equal(EvilMac, await HostNeighbourAsync(ns, inside.Bridge, "10.79.1.2"));
    }

    /// <summary>The MAC the host's neighbour table has for an address on a bridge.</summary>
    private static async Task<string> HostNeighbourAsync(NetNamespace ns, string bridge, string address)
    {
        using var doc = JsonDocument.Parse(await ns.OutputAsync("ip", "-json", "neigh", "show", address, "dev", bridge));
        return doc.RootElement.EnumerateArray().Select(e => e.TryGetProperty("lladdr", out var mac) ? mac.GetString() : null).FirstOrDefault() ?? "(none)";
    }

    [Fact]
    public async Task An_internal_switch_with_NAT_and_DHCP_gives_a_VM_an_address_and_the_world_beyond_the_host()
    {
        await using var ns = await NetNamespace.MakeAsync();
        await using var outside = await NetNamespace.MakeAsync();
        // The world beyond the host: another namespace, linked to the host's by a veth pair.
        await ns.LinkAsync(outside, "10.77.40.1/24", "10.77.40.2/24");

        await using var host = await NubedHost.StartWrappedAsync(output, _ => ns.Exec);
        var made = await host.Client.Switches.CreateAsync(new SwitchSettings { Name = "default", Kind = "internal", HostAddresses = ["10.77.41.1/24"], Nat = true, Dhcp = true });
        Assert.Equal("10.77.41.128-10.77.41.254", made.DhcpRange);
        var c = await CreateAsync(host, "c", ("default", "52:54:00:77:41:01"));
        await host.Client.RunJobAsync("c", "start");
        Assert.True((await host.Client.GetVmAsync("c", 90)).GuestAgent?.Responding);

        var leased = await DhcpAsync(host, c, "52:54:00:77:41:01");
        Assert.Matches(@"inet 10\.77\.41\.(1[2-9][0-9]|2[0-5][0-9])/24", leased);
        Assert.Contains("default via 10.77.41.1", leased, StringComparison.Ordinal);
        Assert.Equal("reached", await PingFromAsync(host, c, "10.77.40.2"));

        // The DHCP server outlives a killed nubed (the same process serves on), and goes with the switch.
        var pidFile = Path.Combine(host.RunDir, "switches", $"{made.Id:D}.dnsmasq.pid");
        var pid = File.ReadAllText(pidFile).Trim();
        await host.KillServiceAsync();
        await host.StartServiceAsync();
        Assert.Equal(pid, File.ReadAllText(pidFile).Trim());
        Assert.True(Directory.Exists($"/proc/{pid}"), "the DHCP server did not outlive nubed");
        await host.Client.RunJobAsync("c", "turn-off");
        await host.Client.Switches.RemoveAsync("default", force: true);
        await Poll.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), "the DHCP server to stop with its switch", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_new_host_makes_a_default_switch_clear_of_its_routes_that_new_VMs_use_and_does_not_make_it_again_once_removed_and_hands_out_MACs_once()
    {
        await using var ns = await NetNamespace.MakeAsync();
        await using var outside = await NetNamespace.MakeAsync();
        // The world beyond the host, its way out; and the first candidate subnet is routed by the
        // host already, so the default switch takes the next.
        await ns.LinkAsync(outside, "10.77.70.1/24", "10.77.70.2/24");
        await ns.OkAsync("ip", "route", "add", "blackhole", "10.111.0.0/24");
        await using var host = await NubedHost.StartNewAsync(output, _ => ns.Exec);

        var made = Assert.Single(await host.Client.Switches.ListAsync());
        Assert.Equal(("default", "internal", true, true), (made.Name, made.Kind, made.Nat, made.Dhcp));
        Assert.Equal(["10.111.1.1/24"], made.HostAddresses);
        Assert.Equal("default", (await host.Client.GetHostAsync()).DefaultSwitch);
        await NubeCli.OkAsync(host, "host", "set", "--storage-root", TestGuest.Directory, "--storage-root", host.Root);

        // A VM made with no adapter named gets one on the default switch, an address from it, and the world beyond the host.
        var d = (await host.Client.CreateVmAsync(NubedHost.GuestSettings("d") with { NetworkAdapters = null })).Summary.Id;
        var adapter = Assert.Single((await host.Client.GetVmAsync("d")).Settings!.NetworkAdapters!);
        Assert.Equal(("synthetic", "default"), (adapter.Kind, adapter.Switch));
        await host.Client.RunJobAsync("d", "start");
        Assert.True((await host.Client.GetVmAsync("d", 90)).GuestAgent?.Responding);
        Assert.Matches(@"inet 10\.111\.1\.(1[2-9][0-9]|2[0-5][0-9])/24", await DhcpAsync(host, d, adapter.MacAddress!));
        Assert.Equal("reached", await PingFromAsync(host, d, "10.77.70.2"));
        await host.Client.RunJobAsync("d", "turn-off");

        // MACs: one adapter's MAC is refused for another VM; the host's range hands out each of its addresses once.
        var twin = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.CreateVmAsync(NubedHost.GuestSettings("twin") with
        {
            NetworkAdapters = [new NetworkAdapterSettings { Kind = "synthetic", MacAddress = adapter.MacAddress!.ToUpperInvariant() }],
        }));
        Assert.Contains($"is already the MAC address of VM 'd' (adapter {adapter.Id})", twin.Message, StringComparison.Ordinal);
        await NubeCli.OkAsync(host, "host", "set", "--mac-address-minimum", "02:00:00:00:10:00", "--mac-address-maximum", "02:00:00:00:10:00");
        var only = await host.Client.CreateVmAsync(NubedHost.GuestSettings("only") with { NetworkAdapters = [new NetworkAdapterSettings { Kind = "synthetic" }] });
        Assert.Equal("02:00:00:00:10:00", Assert.Single(only.Settings!.NetworkAdapters!).MacAddress);
        var full = await Assert.ThrowsAsync<NubeApiException>(() => host.Client.CreateVmAsync(NubedHost.GuestSettings("full") with
        {
            NetworkAdapters = [new NetworkAdapterSettings { Kind = "synthetic" }],
        }));
        Assert.Contains("every MAC address of the host's range 02:00:00:00:10:00 to 02:00:00:00:10:00 is in use", full.Message, StringComparison.Ordinal);

        // The next start makes nothing: the host is no longer new.
        await host.KillServiceAsync();
        await host.StartServiceAsync();
        Assert.Equal(made.Id, Assert.Single(await host.Client.Switches.ListAsync()).Id);

        // Removed, it is no longer the default, and it stays removed.
        await NubeCli.OkAsync(host, "switch", "remove", "default", "--force");
        Assert.Null((await host.Client.GetHostAsync()).DefaultSwitch);
        await host.KillServiceAsync();
        await host.StartServiceAsync();
        Assert.Empty(await host.Client.Switches.ListAsync());
        Assert.Empty((await host.Client.CreateVmAsync(NubedHost.GuestSettings("e") with { NetworkAdapters = null })).Settings!.NetworkAdapters!);
    }

    /// <summary>
    /// The guest asks for an address as a distribution does, and takes the address and the default
    /// route it gets; what it then has (ip addr and ip route).
    /// </summary>
    private static Task<string> DhcpAsync(NubedHost host, Guid vm, string mac) =>
        GuestShell.RunAsync(host, vm, $"{Iface(mac)}; ip link set dev $n up; " +
            "printf '#!/bin/sh\\n[ \"$1\" = bound ] && ip addr add $ip/$mask dev $interface && ip route add default via $router\\nexit 0\\n' > /tmp/dhcp.sh; " +
            "chmod +x /tmp/dhcp.sh; udhcpc -i $n -n -q -t 5 -T 2 -s /tmp/dhcp.sh >/dev/null 2>&1; ip -4 addr show dev $n; ip route", TimeSpan.FromSeconds(90));

    /// <summary>Whether a DHCP client on the guest's interface gets a lease (the address is not applied).</summary>
    private static async Task<string> LeaseAsync(NubedHost host, Guid vm, string mac) =>
        (await GuestShell.RunAsync(host, vm, $"{Iface(mac)}; if udhcpc -i $n -n -q -t 2 -T 1 -s /bin/true >/dev/null 2>&1; then echo L''EASE; else echo N''O-LEASE; fi"))
        .Contains("NO-LEASE", StringComparison.Ordinal) ? "no lease" : "lease";

    /// <summary>Changes one adapter (by MAC) of a VM through the API, the others as they are.</summary>
    /// <summary>
    /// a (10.77.3.3) sends to b's second iperf3 server for 12 s; 3 s after it was asked to (a guest command starts within 1 or 2)
    /// the host sends to b's first for 7 s. Each one's Mbit/s while both send: the host's measure of its last 6 s, and a's
    /// one-second intervals from its 4th to its 8th second.
    /// </summary>
    private static async Task<(double Guest, double Host)> ContendAsync(NetNamespace ns, NubedHost host, Guid a)
    {
        var guest = GuestShell.RunAsync(host, a, "iperf3 -c 10.77.3.2 -p 5202 -B 10.77.3.3 -t 12 -i 1 -f m 2>&1");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var fromHost = await IperfMbpsAsync(ns, "10.77.3.2", "-t", "6");
        var said = await guest;
        var intervals = Regex.Matches(said, @"\]\s+(\d+)\.\d+-(\d+)\.\d+\s+sec\s+\S+\s+\S+\s+([\d.]+) Mbits/sec")
            .Where(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 4 && int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) <= 8)
            .Select(m => double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(intervals.Count == 4, $"a's iperf3 said: {said}");
        return (intervals.Average(), fromHost);
    }

    private static async Task SetAdapterAsync(NubedHost host, string vm, string mac, Func<NetworkAdapterSettings, NetworkAdapterSettings> change)
    {
        var adapters = (await host.Client.GetVmAsync(vm)).Settings!.NetworkAdapters!.Select(n => n.MacAddress == mac ? change(n) : n).ToList();
        await host.Client.SetVmAsync(vm, new VmSettings { NetworkAdapters = adapters });
    }

    /// <summary>
    /// What one TCP stream carried in 4 s after a second's warm-up, as its receiver counted it, in
    /// Mbit/s. iperf3's server takes one test at a time and refuses the next while it ends the last:
    /// a test that could not start is tried again, twice at most.
    /// </summary>
    private static async Task<double> IperfMbpsAsync(NetNamespace ns, string server, params string[] options)
    {
        var said = "";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0)
                await Task.Delay(TimeSpan.FromSeconds(2));
            // Its JSON says why when it fails, whatever its exit code.
            var json = (await ns.RunAsync(["iperf3", "-c", server, "-t", "4", "-O", "1", "-J", .. options])).Stdout;
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            if (doc.RootElement.TryGetProperty("end", out var end) && end.TryGetProperty("sum_received", out var received))
                return received.GetProperty("bits_per_second").GetDouble() / 1e6;
            said = doc.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? "" : json[..Math.Min(json.Length, 600)];
        }
        throw new InvalidOperationException($"iperf3 {string.Join(' ', options)} to {server} carried nothing: {said}");
    }
}
