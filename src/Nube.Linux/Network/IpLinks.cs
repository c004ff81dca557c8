using System.Text.Json;
using Nube.Linux.Processes;

namespace Nube.Linux.Network;

/// <summary>A network device as <c>ip -json -details link show</c> lists it.</summary>
/// <param name="Kind">The link's kind (<c>bridge</c>, <c>tun</c>, <c>veth</c>...), null for a plain device.</param>
/// <param name="Address">Its MAC address; <paramref name="LinkType"/> is <c>ether</c>, <c>loopback</c>...</param>
public sealed record IpLink(string Name, string? Kind, string? Master, string? Alias, bool Up, string? Address = null, string? LinkType = null);

/// <summary>An address of a device as <c>ip -json addr show</c> lists it (global and link scope alike).</summary>
/// <param name="Dynamic">It has a lifetime: a DHCP client or IPv6 autoconfiguration gave it, and renews it on its device.</param>
public sealed record IpAddress(string Local, int PrefixLength, string Scope, bool Dynamic = false)
{
    public string Cidr => $"{Local}/{PrefixLength}";
    public bool IsV6 => Local.Contains(':', StringComparison.Ordinal);
}

/// <summary>
/// Bridges, TAP devices and their addresses through iproute2, in the network namespace nubed
/// runs in. Reads parse <c>ip -json</c>; writes are single <c>ip</c> commands that fail whole.
/// Names are checked by the caller (they come from ids, see Core's LinkNames) and passed as
/// separate arguments, never through a shell.
/// </summary>
public sealed class IpLinks(IHostCommands commands)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    /// <summary>The lifetime the kernel reports for an address that does not expire.</summary>
    private const long Forever = uint.MaxValue;

    public async Task<IReadOnlyList<IpLink>> ListAsync(CancellationToken ct)
    {
        var json = await RunAsync(ct, "-json", "-details", "link", "show").ConfigureAwait(false);
        var links = new List<IpLink>();
        using var doc = Parse(json, "ip -json -details link show");
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            var name = Text(link, "ifname");
            if (name is null)
                continue;
            var kind = link.TryGetProperty("linkinfo", out var info) ? Text(info, "info_kind") : null;
            var up = link.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array &&
                     flags.EnumerateArray().Any(f => f.ValueKind == JsonValueKind.String && f.GetString() == "UP");
            links.Add(new IpLink(name, kind, Text(link, "master"), Text(link, "ifalias"), up, Text(link, "address"), Text(link, "link_type")));
        }
        return links;
    }

    /// <summary>A bridge without IPv6 link-local address (a private switch gives the host none), up, with its alias.</summary>
    public async Task AddBridgeAsync(string name, string alias, CancellationToken ct)
    {
        await RunAsync(ct, "link", "add", "name", name, "type", "bridge").ConfigureAwait(false);
        await SetUpAsync(name, alias, null, ct).ConfigureAwait(false);
    }

    /// <summary>A persistent TAP (nubed opens it and hands QEMU the descriptors), plugged into <paramref name="bridge"/> (or none), up.</summary>
    public async Task AddTapAsync(string name, bool multiQueue, string? bridge, string alias, CancellationToken ct)
    {
        await RunAsync(ct, ["tuntap", "add", "dev", name, "mode", "tap", .. multiQueue ? new[] { "multi_queue" } : []]).ConfigureAwait(false);
        await SetUpAsync(name, alias, bridge, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// No address generation before the link goes up (set in the same command as <c>up</c>, the
    /// kernel makes a link-local address first), then its bridge, alias and state.
    /// </summary>
    private async Task SetUpAsync(string name, string alias, string? master, CancellationToken ct)
    {
        await RunAsync(ct, "link", "set", "dev", name, "addrgenmode", "none").ConfigureAwait(false);
        await RunAsync(ct, ["link", "set", "dev", name, .. master is null ? Array.Empty<string>() : ["master", master], "alias", alias, "up"]).ConfigureAwait(false);
    }

    public Task SetAliasAsync(string name, string alias, CancellationToken ct) => RunAsync(ct, "link", "set", "dev", name, "alias", alias);

    /// <summary>Plugs the device into <paramref name="bridge"/>, or out of any when null, and sets its alias in the same command.</summary>
    public Task SetMasterAsync(string name, string? bridge, string alias, CancellationToken ct) =>
        RunAsync(ct, ["link", "set", "dev", name, .. bridge is null ? new[] { "nomaster" } : ["master", bridge], "alias", alias]);

    /// <summary>
    /// The device's queue made by <paramref name="lines"/> (<c>tc -batch</c>, root handle
    /// <paramref name="handle"/>), or its default queue again when null. Only a root queue of that
    /// handle is deleted first: an operator's own stays, and then the new one is refused.
    /// </summary>
    public async Task SetQueueAsync(string device, string handle, IReadOnlyList<string>? lines, CancellationToken ct)
    {
        var delete = new HostCommand("tc", ["qdisc", "del", "dev", device, "root", "handle", handle]) { Timeout = Timeout };
        var deleted = await commands.RunAsync(delete, ct).ConfigureAwait(false);
        if (deleted.ExitCode == CommandResult.NotFound)
            throw new HostCommandException(delete.ToString(), "iproute2 (tc) is not installed; run scripts/install-deps.sh or apt-get install iproute2");
        // Not ours (or the kernel's default) is "Invalid handle"; a device already gone has no queue to put back.
        if (deleted.ExitCode != 0 && !deleted.Stderr.Contains("Invalid handle", StringComparison.Ordinal)
            && !deleted.Stderr.Contains("Cannot find device", StringComparison.Ordinal))
            deleted.EnsureSuccess(delete);
        if (lines is null)
            return;
        var file = Path.Combine(Path.GetTempPath(), $"nube-{Guid.NewGuid():N}.tc");
        try
        {
            await File.WriteAllLinesAsync(file, lines, ct).ConfigureAwait(false);
            var batch = new HostCommand("tc", ["-batch", file]) { Timeout = Timeout };
            var result = await commands.RunAsync(batch, ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
                throw new HostCommandException($"tc -batch ({lines[0]}; ...)", result.Stderr.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The device's link speed in Mbit/s as its driver says (sysfs), or null when it says none (down, or unknown).</summary>
    public static long? SpeedMbps(string device)
    {
        try
        {
            return long.TryParse(File.ReadAllText($"/sys/class/net/{device}/speed").Trim(), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var speed) && speed > 0 ? speed : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Deletes the device; true when it was there.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        var command = new HostCommand("ip", ["link", "del", "dev", name]) { Timeout = Timeout };
        var result = await commands.RunAsync(command, ct).ConfigureAwait(false);
        if (result.ExitCode != 0 && result.Stderr.Contains("Cannot find device", StringComparison.Ordinal))
            return false;
        result.EnsureSuccess(command);
        return true;
    }

    public async Task<IReadOnlyList<IpAddress>> AddressesAsync(string name, CancellationToken ct)
    {
        var json = await RunAsync(ct, "-json", "addr", "show", "dev", name).ConfigureAwait(false);
        using var doc = Parse(json, $"ip -json addr show dev {name}");
        var addresses = new List<IpAddress>();
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("addr_info", out var infos) || infos.ValueKind != JsonValueKind.Array)
                continue;
            foreach (var a in infos.EnumerateArray())
                if (Text(a, "local") is { } local && a.TryGetProperty("prefixlen", out var p) && p.TryGetInt32(out var prefix))
                    addresses.Add(new IpAddress(local, prefix, Text(a, "scope") ?? "",
                        a.TryGetProperty("valid_life_time", out var life) && life.TryGetInt64(out var seconds) && seconds != Forever));
        }
        return addresses;
    }

    /// <summary>The destinations of the host's IPv4 routes in every table (<c>default</c>, a prefix, or a bare address).</summary>
    public async Task<IReadOnlyList<string>> Ipv4RouteDestinationsAsync(CancellationToken ct)
    {
        var json = await RunAsync(ct, "-json", "-4", "route", "show", "table", "all").ConfigureAwait(false);
        using var doc = Parse(json, "ip -json -4 route show table all");
        return [.. doc.RootElement.EnumerateArray().Select(r => Text(r, "dst")).OfType<string>()];
    }

    public Task AddAddressAsync(string name, string cidr, CancellationToken ct) => RunAsync(ct, "addr", "add", cidr, "dev", name);

    public Task DeleteAddressAsync(string name, string cidr, CancellationToken ct) => RunAsync(ct, "addr", "del", cidr, "dev", name);

    internal async Task<string> RunAsync(CancellationToken ct, params IReadOnlyList<string> arguments)
    {
        var command = new HostCommand("ip", arguments) { Timeout = Timeout };
        var result = await commands.RunAsync(command, ct).ConfigureAwait(false);
        if (result.ExitCode == CommandResult.NotFound)
            throw new HostCommandException(command.ToString(), "iproute2 (ip) is not installed; run scripts/install-deps.sh or apt-get install iproute2");
        return result.EnsureSuccess(command).Stdout;
    }

    internal static JsonDocument Parse(string json, string command)
    {
        try
        {
            var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
                return doc;
            doc.Dispose();
        }
        catch (JsonException)
        {
        }
        throw new HostCommandException(command, $"'{command}' printed something other than a JSON list of devices");
    }

    internal static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
