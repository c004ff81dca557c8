using Nube.Core.Qemu;
using Nube.Core.Switches;
using Nube.Linux.Descriptors;
using Nube.Linux.Network;
using Nube.Linux.Processes;
using Nube.Qemu.Launch;
using Nube.Service.Persistence;

namespace Nube.Service.Switches;

/// <summary>
/// The switches on the host: a Linux bridge per switch and a TAP per running adapter, each
/// named from ids (<see cref="LinkNames"/>) and marked with this host's key in its alias. Every
/// method leaves the host as the switches and running VMs say, whatever was there before:
/// what nubed made and no longer needs goes, what is missing is made. The running ports' guards
/// and VLANs are one nftables table (<see cref="PortGuardRules"/>), replaced whole whenever ports come or change,
/// and their bandwidth is queues where their traffic contends (<see cref="PortQueues"/>).
/// </summary>
public sealed class SwitchNetwork(IpLinks links, Uplink uplink, PortQueues queues, IHostCommands commands, HostIdentity host, ILogger<SwitchNetwork> logger)
{
    private readonly Lock gate = new(); // guards guarded
    private readonly Dictionary<string, SwitchPort> guarded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim nft = new(1, 1);

    /// <summary>
    /// The switch's bridge exists, is up, has the switch's alias and (internal) exactly its host
    /// addresses, or (external) its host interface with the interface's addresses and routes.
    /// </summary>
    public async Task EnsureAsync(VirtualSwitch sw, CancellationToken ct)
    {
        var bridge = LinkNames.Bridge(sw.Id);
        var alias = LinkNames.SwitchAlias(host.Key, sw);
        var existing = (await links.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(l => l.Name == bridge);
        if (existing is not null && existing.Kind != "bridge")
            throw new HostCommandException("ip link", $"The device '{bridge}' of switch '{sw.Name}' exists but is a {existing.Kind ?? "plain"} device, not a bridge; delete it (ip link del {bridge})");
        if (existing is null)
        {
            await links.AddBridgeAsync(bridge, alias, ct).ConfigureAwait(false);
            logger.LogInformation("Made the bridge {Bridge} of switch {Switch} ({Kind})", bridge, sw.Name, sw.Kind);
        }
        else if (existing.Alias != alias || !existing.Up)
        {
            await links.SetAliasAsync(bridge, alias, ct).ConfigureAwait(false);
        }
        if (sw.Kind == SwitchKind.External && sw.Interface is { } uplinkName)
        {
            await uplink.JoinAsync(uplinkName, bridge, ct).ConfigureAwait(false);
            return;
        }
        await SyncAddressesAsync(bridge, sw, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be an external switch's uplink, or null when it can:
    /// it must be an Ethernet interface of the host in no bridge, without an address from a DHCP
    /// client (which would keep renewing it on the interface), and, when it carries the default
    /// route, <paramref name="confirmed"/>.
    /// </summary>
    public async Task<string?> UplinkProblemAsync(string name, bool confirmed, CancellationToken ct)
    {
        var all = await links.ListAsync(ct).ConfigureAwait(false);
        if (all.FirstOrDefault(l => l.Name == name) is not { } link)
            return $"interface: '{name}' is not an interface of this host (it has {string.Join(", ", all.Where(l => IsUplinkKind(l) && l.Master is null).Select(l => l.Name).DefaultIfEmpty("none that can be"))})";
        if (!IsUplinkKind(link))
            return $"interface: '{name}' is a {link.Kind ?? link.LinkType} device; an external switch bridges an Ethernet interface (a NIC, a bond, a VLAN or a veth)";
        if (link.Master is { } master)
            return $"interface: '{name}' is already a port of '{master}'; take it out first (ip link set dev {name} nomaster)";
        if ((await links.AddressesAsync(name, ct).ConfigureAwait(false)).FirstOrDefault(a => a.Scope == "global" && a.Dynamic && !a.IsV6) is { } leased)
            return $"interface: '{name}' has {leased.Cidr} from a DHCP client, which would renew it on '{name}', not on the switch; " +
                "give the interface a static address, or let the host's network configuration put it on a bridge";
        if (!confirmed && (await uplink.RoutesAsync(name, ct).ConfigureAwait(false)).Any(r => r.Destination == "default"))
            return $"interface: '{name}' carries the host's default route: its addresses and routes move to the switch's bridge, " +
                "and a mistake can cut the host off; confirm it (--confirm, or \"confirm\": true)";
        return null;
    }

    /// <summary>The switch's bridge is gone; a TAP still on it is plugged out first (its VM keeps it).</summary>
    public async Task RemoveAsync(VirtualSwitch sw, CancellationToken ct)
    {
        await ReleaseUplinksAsync(LinkNames.Bridge(sw.Id), ct).ConfigureAwait(false);
        foreach (var tap in (await OwnedAsync(ct).ConfigureAwait(false)).Where(o => o.Owner.Switch == sw.Id && o.Owner.Vm is not null))
            await links.SetMasterAsync(tap.Link.Name, null, tap.Link.Alias!, ct).ConfigureAwait(false);
        if (await links.DeleteAsync(LinkNames.Bridge(sw.Id), ct).ConfigureAwait(false))
            logger.LogInformation("Deleted the bridge {Bridge} of switch {Switch}", LinkNames.Bridge(sw.Id), sw.Name);
    }

    /// <summary>
    /// Makes the TAP of each port and plugs it into its switch's bridge (made first if it went
    /// missing), or into none; a TAP of that name left from an earlier run is replaced.
    /// </summary>
    /// <exception cref="QemuLaunchException">A port's switch does not exist, or the host refused a device.</exception>
    public async Task PlugAsync(Guid vm, IReadOnlyList<SwitchPort> ports, Func<string, VirtualSwitch?> find, CancellationToken ct)
    {
        try
        {
            foreach (var port in ports)
                await MakeTapAsync(vm, port, await SwitchOfAsync(port, find, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            // The guards hold before QEMU has the TAPs: the guest never sends a frame unguarded.
            lock (gate)
            {
                foreach (var port in ports)
                    guarded[port.Tap] = port;
            }
            if (ports.Any(NeedsRules))
                Shaped(await GuardAsync(ct, [.. ports.Select(p => p.Tap)]).ConfigureAwait(false), ports);
        }
        catch (HostCommandException e)
        {
            Unplug(vm);
            throw new QemuLaunchException($"Cannot connect the VM's adapters to their switches: {e.Message}");
        }
    }

    private async Task MakeTapAsync(Guid vm, SwitchPort port, VirtualSwitch? sw, CancellationToken ct)
    {
        await links.DeleteAsync(port.Tap, ct).ConfigureAwait(false);
        await links.AddTapAsync(port.Tap, port.MultiQueue, sw is null ? null : LinkNames.Bridge(sw.Id),
            LinkNames.PortAlias(host.Key, vm, port.VmName, port.AdapterId, sw), ct).ConfigureAwait(false);
    }

    /// <summary>A port on no switch and without a maximum bandwidth has nothing to guard nor shape (and needs no nft).</summary>
    private static bool NeedsRules(SwitchPort port) => port.Switch is not null || port.BandwidthMbps is not null;

    /// <summary>
    /// A running VM's new adapter (hot add): its TAP made and plugged in, its guards holding before
    /// QEMU has it. On failure the TAP is deleted again; the VM's other ports are not touched.
    /// </summary>
    /// <exception cref="HostCommandException">The switch does not exist, or the host refused.</exception>
    public async Task AddAsync(Guid vm, SwitchPort port, Func<string, VirtualSwitch?> find, CancellationToken ct)
    {
        var sw = await RunningSwitchOfAsync(port, find, ct).ConfigureAwait(false);
        try
        {
            await MakeTapAsync(vm, port, sw, ct).ConfigureAwait(false);
            lock (gate)
                guarded[port.Tap] = port;
            if (NeedsRules(port))
                Shaped(await GuardAsync(ct, [port.Tap]).ConfigureAwait(false), [port]);
        }
        catch (HostCommandException)
        {
            await RemoveAsync(port, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A removed adapter's TAP deleted (QEMU let go of it first) and its guards with it.</summary>
    /// <exception cref="IOException">The kernel refused: a process still holds the TAP.</exception>
    public async Task RemoveAsync(SwitchPort port, CancellationToken ct)
    {
        bool had;
        lock (gate)
            had = guarded.Remove(port.Tap);
        TapDevice.Delete(port.Tap);
        if (had && NeedsRules(port))
            await GuardAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A running VM's port as it says: in its switch's bridge (or out of any), with its guards, bandwidth and weight (the adapter's link is QEMU's business).</summary>
    /// <exception cref="HostCommandException">The switch does not exist, or the host refused.</exception>
    public async Task SetAsync(Guid vm, SwitchPort port, Func<string, VirtualSwitch?> find, CancellationToken ct)
    {
        var sw = await RunningSwitchOfAsync(port, find, ct).ConfigureAwait(false);
        await links.SetMasterAsync(port.Tap, sw is null ? null : LinkNames.Bridge(sw.Id), LinkNames.PortAlias(host.Key, vm, port.VmName, port.AdapterId, sw), ct)
            .ConfigureAwait(false);
        lock (gate)
            guarded[port.Tap] = port;
        Shaped(await GuardAsync(ct).ConfigureAwait(false), [port]);
    }

    /// <summary>
    /// A port's own queue (its maximum bandwidth) failing fails its change; another device's (an
    /// uplink's, another VM's) is that device's problem, said in the log, not this port's.
    /// </summary>
    private static void Shaped(IReadOnlyDictionary<string, string> problems, IEnumerable<SwitchPort> ports)
    {
        foreach (var port in ports)
            if (problems.TryGetValue(port.Tap, out var problem))
                throw new HostCommandException("tc", $"The bandwidth of adapter {port.AdapterId} could not be set: {problem}");
    }

    /// <summary>As <see cref="SwitchOfAsync"/>, for a running VM's port: a missing switch is the host's refusal, not a failed launch.</summary>
    private async Task<VirtualSwitch?> RunningSwitchOfAsync(SwitchPort port, Func<string, VirtualSwitch?> find, CancellationToken ct)
    {
        try
        {
            return await SwitchOfAsync(port, find, ct).ConfigureAwait(false);
        }
        catch (QemuLaunchException e)
        {
            throw new HostCommandException("ip link", e.Message);
        }
    }

    private async Task<VirtualSwitch?> SwitchOfAsync(SwitchPort port, Func<string, VirtualSwitch?> find, CancellationToken ct)
    {
        if (port.Switch is null)
            return null;
        var sw = find(port.Switch)
            ?? throw new QemuLaunchException($"Adapter {port.AdapterId} is on the switch '{port.Switch}', which does not exist on this host.");
        await EnsureAsync(sw, ct).ConfigureAwait(false);
        return sw;
    }

    /// <summary>
    /// Deletes every TAP this host made for <paramref name="vm"/> (its QEMU is gone): found by
    /// alias in sysfs and deleted through /dev/net/tun, so that it is done before the call returns.
    /// </summary>
    public void Unplug(Guid vm)
    {
        foreach (var (name, alias) in SysfsAliases())
        {
            if (LinkNames.ParseAlias(host.Key, alias) is not { } owner || owner.Vm != vm)
                continue;
            // Its rules stay until the next change rewrites the table: they match no device meanwhile.
            lock (gate)
                guarded.Remove(name);
            try
            {
                TapDevice.Delete(name);
            }
            catch (IOException e)
            {
                logger.LogWarning("Could not delete the TAP {Tap} of a stopped VM: {Reason}", name, e.Message);
            }
        }
    }

    /// <summary>
    /// At nubed's start: every switch's bridge made or checked; bridges of switches that are gone and
    /// TAPs of VMs that are not running (this host's only) deleted. Returns each switch's problem, if any.
    /// </summary>
    /// <param name="unreadable">Switches whose file cannot be read: their bridges stay.</param>
    /// <param name="runningPorts">The ports of the running VMs, whose guards the table gets again.</param>
    public async Task<IReadOnlyDictionary<Guid, string>> ReconcileAsync(IReadOnlyList<VirtualSwitch> switches, IReadOnlySet<Guid> unreadable,
        IReadOnlySet<Guid> runningVms, IReadOnlyList<SwitchPort> runningPorts, CancellationToken ct)
    {
        var problems = new Dictionary<Guid, string>();
        lock (gate)
        {
            guarded.Clear();
            foreach (var port in runningPorts)
                guarded[port.Tap] = port;
        }
        try
        {
            await GuardAsync(ct, uplinks: switches.Where(s => s.Kind == SwitchKind.External).Select(s => s.Interface).OfType<string>()).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            logger.LogError("{Problem}", e.Message);
        }
        var known = switches.Select(s => s.Id).Concat(unreadable).ToHashSet();
        foreach (var (link, owner) in await OwnedAsync(ct).ConfigureAwait(false))
        {
            var stale = owner.Vm is { } vm ? !runningVms.Contains(vm) : owner.Switch is not { } sw || !known.Contains(sw);
            if (!stale)
                continue;
            try
            {
                await ReleaseUplinksAsync(link.Name, ct).ConfigureAwait(false);
                await links.DeleteAsync(link.Name, ct).ConfigureAwait(false);
                logger.LogInformation("Deleted {Link}, left from an earlier run ({Alias})", link.Name, link.Alias);
            }
            catch (HostCommandException e)
            {
                logger.LogWarning("Could not delete {Link}, left from an earlier run: {Reason}", link.Name, e.Message);
            }
        }
        foreach (var sw in switches)
        {
            try
            {
                await EnsureAsync(sw, ct).ConfigureAwait(false);
            }
            catch (HostCommandException e)
            {
                problems[sw.Id] = e.Message;
                logger.LogWarning("Switch {Switch}: {Problem}", sw.Name, e.Message);
            }
        }
        return problems;
    }

    /// <summary>
    /// The guards table as the ports now say, replaced in one nft transaction, then the queues; one
    /// writer at a time, the newest state last. <paramref name="remade"/>: TAPs made again since the
    /// last call; <paramref name="uplinks"/>: interfaces whose queue a nubed before may have left.
    /// </summary>
    /// <returns>The devices whose queue tc refused, and why.</returns>
    private async Task<IReadOnlyDictionary<string, string>> GuardAsync(CancellationToken ct, IReadOnlyList<string>? remade = null, IEnumerable<string>? uplinks = null)
    {
        await nft.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            List<SwitchPort> ports;
            lock (gate)
                ports = [.. guarded.Values];
            if (await Nft.ApplyAsync(PortGuardRules.Render(host.Key, ports), (command, t) => commands.RunAsync(command, t), ct).ConfigureAwait(false) is { } problem)
                throw new HostCommandException("nft", $"The switch ports' guards could not be put in place: {problem}");
            return await queues.ApplyAsync(ports, remade ?? [], uplinks ?? [], ct).ConfigureAwait(false);
        }
        finally
        {
            nft.Release();
        }
    }

    /// <summary>An Ethernet device a bridge can take as its uplink: a NIC (no kind), a bond, a VLAN device or a veth.</summary>
    private static bool IsUplinkKind(IpLink link) =>
        link.LinkType == "ether" && link.Kind is null or "bond" or "team" or "vlan" or "veth"
        && !link.Name.StartsWith(LinkNames.BridgePrefix, StringComparison.Ordinal) && !link.Name.StartsWith(LinkNames.TapPrefix, StringComparison.Ordinal);

    /// <summary>A host interface in the bridge (an external switch's) goes back out, with its addresses and routes.</summary>
    private async Task ReleaseUplinksAsync(string bridge, CancellationToken ct)
    {
        foreach (var port in (await links.ListAsync(ct).ConfigureAwait(false)).Where(l => l.Master == bridge && IsUplinkKind(l) && LinkNames.ParseAlias(host.Key, l.Alias) is null))
        {
            await uplink.LeaveAsync(port.Name, bridge, ct).ConfigureAwait(false);
            logger.LogInformation("The host interface {Interface} left the bridge {Bridge}, with its addresses and routes", port.Name, bridge);
        }
    }

    /// <summary>The host's global addresses on the switch's bridge (an external switch's came from its interface).</summary>
    public async Task<IReadOnlyList<string>> BridgeAddressesAsync(VirtualSwitch sw, CancellationToken ct) =>
        [.. (await links.AddressesAsync(LinkNames.Bridge(sw.Id), ct).ConfigureAwait(false)).Where(a => a.Scope == "global").Select(a => a.Cidr)];

    /// <summary>Whether the switch's bridge is there and up.</summary>
    public async Task<bool> IsReadyAsync(VirtualSwitch sw, CancellationToken ct) =>
        (await links.ListAsync(ct).ConfigureAwait(false)).Any(l => l.Name == LinkNames.Bridge(sw.Id) && l.Kind == "bridge" && l.Up);

    private async Task<List<(IpLink Link, LinkOwner Owner)>> OwnedAsync(CancellationToken ct) =>
        [.. (await links.ListAsync(ct).ConfigureAwait(false))
            .Select(l => (Link: l, Owner: LinkNames.ParseAlias(host.Key, l.Alias)))
            .Where(x => x.Owner is not null)
            .Select(x => (x.Link, x.Owner!))];

    /// <summary>The bridge has the switch's host addresses and no other global one (link-local ones the kernel made stay).</summary>
    private async Task SyncAddressesAsync(string bridge, VirtualSwitch sw, CancellationToken ct)
    {
        var want = sw.HostAddresses.Select(a => Core.Validation.SwitchRules.ParseCidr(a)!).Select(c => $"{c.Address}/{c.PrefixLength}").ToHashSet();
        var have = (await links.AddressesAsync(bridge, ct).ConfigureAwait(false)).Where(a => a.Scope != "link").Select(a => a.Cidr).ToHashSet();
        foreach (var extra in have.Except(want))
            await links.DeleteAddressAsync(bridge, extra, ct).ConfigureAwait(false);
        foreach (var missing in want.Except(have))
            await links.AddAddressAsync(bridge, missing, ct).ConfigureAwait(false);
    }

    private static IEnumerable<(string Name, string Alias)> SysfsAliases()
    {
        const string net = "/sys/class/net";
        if (!Directory.Exists(net))
            yield break;
        foreach (var dir in Directory.EnumerateFileSystemEntries(net))
        {
            string alias;
            try
            {
                alias = File.ReadAllText(Path.Combine(dir, "ifalias")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue;
            }
            if (alias.StartsWith(LinkNames.AliasWord + " ", StringComparison.Ordinal))
                yield return (Path.GetFileName(dir), alias);
        }
    }

    /// <summary>The destinations of the host's IPv4 routes, which a new switch's subnet must stay clear of.</summary>
    public Task<IReadOnlyList<string>> RouteDestinationsAsync(CancellationToken ct) => links.Ipv4RouteDestinationsAsync(ct);
}
