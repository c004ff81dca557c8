using System.Text.Json;
using Nube.Contracts.Vms;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>What the switch tests do with guests and namespaces: VMs on switches, addresses set and pinged inside, the links a namespace has.</summary>
public static class SwitchGuests
{
    public static async Task<Guid> CreateAsync(NubedHost host, string name, params (string Switch, string Mac)[] nics) =>
        (await host.Client.CreateVmAsync(NubedHost.GuestSettings(name) with
        {
            NetworkAdapters = [.. nics.Select(n => new NetworkAdapterSettings { Kind = "synthetic", MacAddress = n.Mac, Switch = n.Switch })],
        })).Summary.Id;

    /// <summary>Sets each adapter's address in the guest, the adapter found by its MAC.</summary>
    public static Task AddressAsync(NubedHost host, Guid vm, params (string Mac, string Cidr)[] addresses) =>
        GuestShell.RunAsync(host, vm, string.Join("; ", addresses.Select(a => $"{Iface(a.Mac)}; ip link set dev $n up && ip addr add {a.Cidr} dev $n")));

    /// <summary>Shell that sets $n to the guest's interface with this MAC.</summary>
    public static string Iface(string mac) => $"n=$(for d in /sys/class/net/*; do [ \"$(cat $d/address)\" = {mac} ] && basename $d; done)";

    /// <summary>Waits in the guest, up to 30 s, for the interface with this MAC to appear (or go); returns the guest's MACs then.</summary>
    public static Task<string> WaitForMacAsync(NubedHost host, Guid vm, string mac, bool present) =>
        GuestShell.RunAsync(host, vm, $"for i in $(seq 1 30); do {Iface(mac)}; [ {(present ? "-n" : "-z")} \"$n\" ] && break; sleep 1; done; " +
            "cat /sys/class/net/*/address | tr '\\n' ' '");

    public static async Task<string> PingFromAsync(NubedHost host, Guid vm, string address)
    {
        var said = await GuestShell.RunAsync(host, vm, $"if ping -c 2 -W 2 {address} >/dev/null 2>&1; then echo R''EACHED; else echo U''NREACHABLE; fi");
        return said.Contains("UNREACHABLE", StringComparison.Ordinal) ? "unreachable" : said.Contains("REACHED", StringComparison.Ordinal) ? "reached" : $"? {said}";
    }

    public static async Task<IReadOnlyList<string>> AddressesAsync(NetNamespace ns, string device)
    {
        using var doc = JsonDocument.Parse(await ns.OutputAsync("ip", "-json", "addr", "show", "dev", device));
        return [.. doc.RootElement[0].GetProperty("addr_info").EnumerateArray().Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}")];
    }

    public sealed record Link(string Name, string? Master, string? Alias);

    public static async Task<IReadOnlyList<Link>> LinksAsync(NetNamespace ns)
    {
        using var doc = JsonDocument.Parse(await ns.OutputAsync("ip", "-json", "link", "show"));
        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;
        return [.. doc.RootElement.EnumerateArray().Select(l => new Link(l.GetProperty("ifname").GetString()!, Text(l, "master"), Text(l, "ifalias")))];
    }
}
