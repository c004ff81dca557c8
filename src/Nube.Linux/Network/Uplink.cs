using System.Globalization;
using System.Text;
using System.Text.Json;
using Nube.Linux.Processes;

namespace Nube.Linux.Network;

/// <summary>A route through a device as <c>ip -json route show dev X</c> lists it, enough to make it again on another device.</summary>
public sealed record IpRoute(string Destination, string? Gateway, long? Metric, string? Protocol, string? Scope, string? Source, bool V6)
{
    /// <summary>
    /// The kernel's own routes (of an address's subnet) come back with the address; routes from
    /// router advertisements come back with the next advertisement.
    /// </summary>
    public bool Movable => Protocol is not ("kernel" or "ra");

    /// <summary>The <c>ip</c> batch line that makes the route again through <paramref name="device"/>.</summary>
    public string Line(string device)
    {
        var line = new StringBuilder(V6 ? "-6 " : "").Append("route replace ").Append(Destination);
        if (Gateway is not null)
            line.Append(" via ").Append(Gateway);
        line.Append(" dev ").Append(device);
        if (Metric is { } m)
            line.Append(" metric ").Append(m.ToString(CultureInfo.InvariantCulture));
        if (Protocol is not null)
            line.Append(" proto ").Append(Protocol);
        if (Scope is not null && !V6)
            line.Append(" scope ").Append(Scope);
        if (Source is not null)
            line.Append(" src ").Append(Source);
        return line.ToString();
    }
}

/// <summary>
/// An external switch's uplink: a host interface that joins the switch's bridge while the host
/// keeps using it, as Hyper-V's external switch shares its adapter with the management OS. Its
/// static addresses and its routes move to the bridge (which takes the interface's MAC, so that
/// neighbours and DHCP servers see the same host), in one <c>ip -batch</c> so that the host is
/// cut off for as short a time as possible; undone the same way.
/// </summary>
public sealed class Uplink(IpLinks links, IHostCommands commands)
{
    /// <summary>The interface's routes in the main table, IPv4 and IPv6, that are not the kernel's own.</summary>
    public async Task<IReadOnlyList<IpRoute>> RoutesAsync(string device, CancellationToken ct)
    {
        var routes = new List<IpRoute>();
        foreach (var v6 in new[] { false, true })
        {
            var json = await links.RunAsync(ct, v6 ? "-6" : "-4", "-json", "route", "show", "dev", device).ConfigureAwait(false);
            using var doc = IpLinks.Parse(json, $"ip -json route show dev {device}");
            foreach (var r in doc.RootElement.EnumerateArray())
            {
                // Unicast routes only: multicast and the like belong to the device.
                if (IpLinks.Text(r, "dst") is not { } dst || IpLinks.Text(r, "type") is { } type && type != "unicast")
                    continue;
                long? metric = r.TryGetProperty("metric", out var m) && m.TryGetInt64(out var value) ? value : null;
                routes.Add(new IpRoute(dst, IpLinks.Text(r, "gateway"), metric, IpLinks.Text(r, "protocol"), IpLinks.Text(r, "scope"),
                    IpLinks.Text(r, "prefsrc"), v6));
            }
        }
        return routes;
    }

    /// <summary>
    /// Puts <paramref name="device"/> into <paramref name="bridge"/>: the bridge takes its MAC, its
    /// global addresses (those that do not expire) and its routes.
    /// </summary>
    public async Task JoinAsync(string device, string bridge, CancellationToken ct)
    {
        var link = (await links.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(l => l.Name == device)
            ?? throw new HostCommandException("ip link", $"The host interface '{device}' does not exist");
        var lines = new List<string>();
        if (link.Master != bridge)
        {
            if (link.Address is { } mac)
                lines.Add($"link set dev {bridge} address {mac}");
            lines.Add($"link set dev {device} master {bridge} up");
        }
        // Already joined: only what came back to the interface since (an address its owner set again) moves.
        lines.AddRange(await MoveLinesAsync(device, bridge, ct).ConfigureAwait(false));
        if (lines.Count > 0)
            await BatchAsync(lines, ct).ConfigureAwait(false);
    }

    /// <summary>Takes <paramref name="device"/> out of <paramref name="bridge"/>, with the addresses and routes the bridge has.</summary>
    public async Task LeaveAsync(string device, string bridge, CancellationToken ct)
    {
        var lines = new List<string> { $"link set dev {device} nomaster" };
        lines.AddRange(await MoveLinesAsync(bridge, device, ct).ConfigureAwait(false));
        await BatchAsync(lines, ct).ConfigureAwait(false);
    }

    /// <summary>What moves the global, non-expiring addresses and the routes from one device to the other: added there, then gone here, then the routes.</summary>
    private async Task<IReadOnlyList<string>> MoveLinesAsync(string from, string to, CancellationToken ct)
    {
        var addresses = (await links.AddressesAsync(from, ct).ConfigureAwait(false)).Where(a => a.Scope == "global" && !a.Dynamic).ToList();
        // Read before the addresses go: the kernel drops a device's routes with its last address.
        var routes = (await RoutesAsync(from, ct).ConfigureAwait(false)).Where(r => r.Movable).ToList();
        if (addresses.Count == 0 && routes.Count == 0)
            return [];
        return
        [
            .. addresses.Select(a => $"address add {a.Cidr}{(a.IsV6 ? "" : " brd +")} dev {to}"),
            .. addresses.Select(a => $"address del {a.Cidr} dev {from}"),
            .. routes.Select(r => r.Line(to)),
        ];
    }

    private async Task BatchAsync(IReadOnlyList<string> lines, CancellationToken ct)
    {
        var file = Path.Combine(Path.GetTempPath(), $"nube-{Guid.NewGuid():N}.ip");
        try
        {
            await File.WriteAllLinesAsync(file, lines, ct).ConfigureAwait(false);
            var command = new HostCommand("ip", ["-batch", file]) { Timeout = TimeSpan.FromSeconds(15) };
            var result = await commands.RunAsync(command, ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
                throw new HostCommandException($"ip -batch ({string.Join("; ", lines)})", result.Stderr.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
