using System.Text.Json;
using System.Text.RegularExpressions;
using Nube.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using static Nube.EndToEnd.Tests.Infrastructure.SwitchGuests;

namespace Nube.EndToEnd.Tests;

/// <summary>
/// An external switch bridges a host interface that the host keeps using. The host lives in a
/// network namespace whose one interface (a veth) leads to another namespace, its LAN, and
/// carries its default route.
/// </summary>
public sealed class ExternalSwitchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_external_switch_puts_a_VM_on_the_hosts_LAN_and_the_host_keeps_its_address_and_default_route_until_it_is_removed()
    {
        await using var ns = await NetNamespace.MakeAsync();
        await using var lan = await NetNamespace.MakeAsync();
        var (uplink, _) = await ns.LinkAsync(lan, "10.77.60.1/24", "10.77.60.2/24");
        await ns.OkAsync("ip", "route", "add", "default", "via", "10.77.60.2");
        await ns.OkAsync("ip", "route", "add", "10.77.61.0/24", "via", "10.77.60.2", "metric", "50");
        await using var host = await NubedHost.StartWrappedAsync(output, _ => ns.Exec);

        // A missing interface, and the one with the default route unconfirmed: refused, nothing made.
        var missing = await NubeCli.RunAsync(host, "switch", "new", "ext", "--kind", "external", "--interface", "eth9");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"interface: 'eth9' is not an interface of this host (it has {uplink})", missing.Stderr, StringComparison.Ordinal);
        var unconfirmed = await NubeCli.RunAsync(host, "switch", "new", "ext", "--kind", "external", "--interface", uplink);
        Assert.Contains($"'{uplink}' carries the host's default route", unconfirmed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(await LinksAsync(ns), l => l.Name.StartsWith("nbr", StringComparison.Ordinal));
        Assert.Contains("10.77.60.1/24", await AddressesAsync(ns, uplink));

        await NubeCli.OkAsync(host, "switch", "new", "ext", "--kind", "external", "--interface", uplink, "--confirm");
        var made = await host.Client.Switches.GetAsync("ext");
        Assert.Equal((uplink, true), (made.Interface, made.Ready));
        Assert.Equal(["10.77.60.1/24"], made.HostAddresses);
        // The host's address and routes are on the bridge, the interface is its port, and the host still reaches its LAN.
        Assert.Equal(made.Bridge, Assert.Single(await LinksAsync(ns), l => l.Name == uplink).Master);
        Assert.DoesNotContain("10.77.60.1/24", await AddressesAsync(ns, uplink));
        Assert.Equal([(made.Bridge, "10.77.60.2"), (made.Bridge, "10.77.60.2")], await RoutesAsync(ns, "default", "10.77.61.0/24"));
        Assert.Equal(0, (await ns.RunAsync("ping", "-c", "1", "-W", "2", "10.77.60.2")).ExitCode);

        // A VM on it is on the LAN: it reaches the LAN's machine and the host.
        var vm = await CreateAsync(host, "v", ("ext", "52:54:00:77:60:01"));
        await host.Client.RunJobAsync("v", "start");
        Assert.True((await host.Client.GetVmAsync("v", 90)).GuestAgent?.Responding);
        await AddressAsync(host, vm, ("52:54:00:77:60:01", "10.77.60.50/24"));
        Assert.Equal("reached", await PingFromAsync(host, vm, "10.77.60.2"));
        Assert.Equal("reached", await PingFromAsync(host, vm, "10.77.60.1"));

        // A bandwidth weight on its adapter, set while it runs, shares the interface's link (a veth says 10 000 Mbit/s) by a queue
        // on the interface: the VM's class is guaranteed 40 of 100, everything else the 60 left.
        var adapters = (await host.Client.GetVmAsync("v")).Settings!.NetworkAdapters!.Select(n => n with { MinimumBandwidthWeight = 40 }).ToList();
        await host.Client.SetVmAsync("v", new Nube.Contracts.Vms.VmSettings { NetworkAdapters = adapters });
        Assert.Equal([("4e:10", "4Gbit"), ("4e:2", "6Gbit")], await ClassesAsync(ns, uplink));
        Assert.Equal("reached", await PingFromAsync(host, vm, "10.77.60.2"));

        // A restart of nubed changes nothing; a removal gives the interface back its address and routes.
        await host.KillServiceAsync();
        await host.StartServiceAsync();
        Assert.True((await host.Client.Switches.GetAsync("ext")).Ready);
        Assert.Equal("reached", await PingFromAsync(host, vm, "10.77.60.2"));
        Assert.Equal(2, (await ClassesAsync(ns, uplink)).Count);
        // The switch removed (its adapters pulled out first), the interface gets its default queue back.
        await NubeCli.OkAsync(host, "switch", "remove", "ext", "--force");
        Assert.Empty(await ClassesAsync(ns, uplink));
        Assert.Contains("10.77.60.1/24", await AddressesAsync(ns, uplink));
        Assert.Null(Assert.Single(await LinksAsync(ns), l => l.Name == uplink).Master);
        Assert.DoesNotContain(await LinksAsync(ns), l => l.Name == made.Bridge);
        Assert.Equal([(uplink, "10.77.60.2"), (uplink, "10.77.60.2")], await RoutesAsync(ns, "default", "10.77.61.0/24"));
        Assert.Equal(0, (await ns.RunAsync("ping", "-c", "1", "-W", "2", "10.77.60.2")).ExitCode);
        await host.Client.RunJobAsync("v", "turn-off");
    }

    /// <summary>The leaf classes of the device's queue, each with its guaranteed rate as tc says it (this tc has no JSON for classes).</summary>
    private static async Task<IReadOnlyList<(string Class, string Rate)>> ClassesAsync(NetNamespace ns, string device) =>
        [.. (await ns.OutputAsync("tc", "class", "show", "dev", device)).Split('\n')
            .Select(line => Regex.Match(line, @"^class htb (\S+) parent \S+ leaf \S+ prio \d+ rate (\S+) ")).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).OrderBy(c => c.Item1, StringComparer.Ordinal)];

    /// <summary>The device and gateway of each of these routes of the namespace's main table.</summary>
    private static async Task<IReadOnlyList<(string Device, string Gateway)>> RoutesAsync(NetNamespace ns, params string[] destinations)
    {
        using var doc = JsonDocument.Parse(await ns.OutputAsync("ip", "-json", "-4", "route", "show"));
        var routes = doc.RootElement.EnumerateArray().ToList();
        return [.. destinations.Select(d => routes.FirstOrDefault(r => r.GetProperty("dst").GetString() == d) is { ValueKind: JsonValueKind.Object } r
            ? (r.GetProperty("dev").GetString()!, r.TryGetProperty("gateway", out var g) ? g.GetString()! : "")
            : ("(none)", d))];
    }
}
