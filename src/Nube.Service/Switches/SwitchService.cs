using System.Collections.Immutable;
using Nube.Contracts.Switches;
using Nube.Core.Qemu;
using Nube.Core.Serialization;
using Nube.Core.Switches;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux.Processes;
using Nube.Service.Hosts;
using Nube.Service.Persistence;
using Nube.Service.Vms;

namespace Nube.Service.Switches;

/// <summary>
/// Makes, changes and removes virtual switches, one request at a time: the host's devices first
/// (undone if they fail), then the switch's file, then the <see cref="SwitchBook"/>. A nubed
/// stopped half way leaves either a file whose bridge the next start makes, or a bridge without
/// a file that it deletes (<see cref="SwitchNetwork.ReconcileAsync"/>).
/// </summary>
public sealed class SwitchService(SwitchBook book, SwitchStore store, SwitchNetwork network, SwitchGateway gateway, VmRegistry vms,
    HostRuntime host, ILogger<SwitchService> logger)
{
    private readonly SemaphoreSlim writer = new(1, 1);
    private IReadOnlyDictionary<Guid, string> problems = new Dictionary<Guid, string>();
    /// <summary>Switches whose file cannot be read: their bridges are kept, not taken for leftovers.</summary>
    private readonly HashSet<Guid> unreadable = [];

    /// <summary>At nubed's start, before the VMs load: the switches, so that VMs can be judged against them.</summary>
    public void Load()
    {
        var loaded = new List<VirtualSwitch>();
        foreach (var (id, sw, problem) in store.LoadAll())
        {
            if (sw is null)
            {
                unreadable.Add(id);
                logger.LogError("Switch {Id} cannot be read and is left alone: {Problem}", id, problem);
            }
            else
                loaded.Add(sw);
        }
        book.Set([.. loaded]);
    }

    /// <summary>Once the running VMs are reattached, before any VM starts: the host's devices put right.</summary>
    public async Task ReconcileAsync(IReadOnlySet<Guid> running, CancellationToken ct)
    {
        // What each running QEMU was started (or since changed) with.
        var ports = vms.All.Where(v => running.Contains(v.Id))
            .Select(v => v.Snapshot.Running?.Config ?? v.Snapshot.Config)
            .OfType<VmConfig>()
            .SelectMany(c => c.NetworkAdapters.Select(a => AdapterModel.Port(c, a)))
            .OfType<SwitchPort>()
            .ToList();
        var found = await network.ReconcileAsync(book.All, unreadable, running, ports, ct).ConfigureAwait(false);
        try
        {
            await gateway.ApplyAsync(book.All, ct).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            logger.LogError("The switches' NAT and DHCP: {Problem}", e.Message);
            found = found.Concat(book.All.Where(s => s.Nat || s.Dhcp).Select(s => KeyValuePair.Create(s.Id, e.Message)))
                .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
        }
        problems = found;
    }

    /// <summary>
    /// On a new host (no settings file, no switch), after <see cref="ReconcileAsync"/>: the default
    /// switch, made the host's default for new VMs. The settings file is written whatever happens,
    /// so that this is tried once: a switch the operator removes is not made again.
    /// </summary>
    public async Task MakeDefaultAsync(CancellationToken ct)
    {
        if (!host.IsNew || !book.All.IsEmpty || unreadable.Count > 0)
            return;
        Guid? made = null;
        try
        {
            var routes = await network.RouteDestinationsAsync(ct).ConfigureAwait(false);
            if (DefaultSwitch.For(Guid.Empty, routes) is not { } planned)
                logger.LogWarning("No default switch: every subnet of 10.111.0.0/16 overlaps a route of the host");
            else
            {
                var info = await CreateAsync(new SwitchSettings
                {
                    Name = planned.Name, Kind = EnumWords.Word(planned.Kind), HostAddresses = [.. planned.HostAddresses],
                    Nat = planned.Nat, Dhcp = planned.Dhcp, Notes = planned.Notes,
                }, ct).ConfigureAwait(false);
                made = info.Id;
                logger.LogInformation("Made the default switch {Switch} on {Subnet}, with NAT and DHCP", info.Name, info.HostAddresses[0]);
            }
        }
        catch (Exception e) when (e is SwitchException or HostCommandException or ValidationException)
        {
            logger.LogError("No default switch: {Problem}; make one with 'nube switch new default --kind internal --address 10.111.0.1/24 --nat --dhcp' " +
                "and 'nube host set --default-switch default'", e.Message);
        }
        await host.UpdateAsync(c => c with { DefaultSwitchId = made }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SwitchInfo>> ListAsync(CancellationToken ct)
    {
        var result = new List<SwitchInfo>();
        foreach (var sw in book.All.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase))
            result.Add(await InfoAsync(sw, ct).ConfigureAwait(false));
        return result;
    }

    public Task<SwitchInfo> GetAsync(string nameOrId, CancellationToken ct) => InfoAsync(Resolve(nameOrId), ct);

    public Task<SwitchInfo> CreateAsync(SwitchSettings settings, CancellationToken ct) => OneAtATimeAsync(async () =>
    {
        var sw = Apply(new VirtualSwitch { Id = Guid.NewGuid() }, settings, creating: true);
        Validate(sw);
        if (sw.Kind == SwitchKind.External && await network.UplinkProblemAsync(sw.Interface!, settings.Confirm == true, ct).ConfigureAwait(false) is { } problem)
            throw new ValidationException([new("interface", sw.Interface!, problem)]);
        try
        {
            await network.EnsureAsync(sw, ct).ConfigureAwait(false);
            await gateway.ApplyAsync([.. book.All, sw], ct).ConfigureAwait(false);
            await store.SaveAsync(sw, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HostCommandException or IOException)
        {
            await UndoAsync(sw).ConfigureAwait(false);
            throw new SwitchException(StatusCodes.Status502BadGateway, $"Cannot make switch '{sw.Name}': {e.Message}");
        }
        book.Set(book.All.Add(sw));
        logger.LogInformation("Created switch {Switch} ({Kind}, {Id})", sw.Name, sw.Kind, sw.Id);
        return await InfoAsync(sw, ct).ConfigureAwait(false);
    }, ct);

    public Task<SwitchInfo> UpdateAsync(string nameOrId, SwitchSettings settings, CancellationToken ct) => OneAtATimeAsync(async () =>
    {
        var current = Resolve(nameOrId);
        var next = Apply(current, settings, creating: false);
        Validate(next);
        if (!string.Equals(next.Name, current.Name, StringComparison.Ordinal) && Users(current).Count > 0)
            throw new SwitchException(StatusCodes.Status409Conflict,
                $"Cannot rename switch '{current.Name}': adapters name it ({Describe(Users(current))}); connect them elsewhere first, or remove it with --force and make it again");
        try
        {
            await network.EnsureAsync(next, ct).ConfigureAwait(false);
            await gateway.ApplyAsync([.. book.All.Select(s => s.Id == next.Id ? next : s)], ct).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            throw new SwitchException(StatusCodes.Status502BadGateway, $"Cannot change switch '{current.Name}': {e.Message}");
        }
        await store.SaveAsync(next, CancellationToken.None).ConfigureAwait(false);
        book.Set(book.All.Replace(current, next));
        return await InfoAsync(next, ct).ConfigureAwait(false);
    }, ct);

    /// <summary>Removes a switch no adapter names; with <paramref name="force"/>, its adapters are first left not connected.</summary>
    public Task<SwitchInfo> RemoveAsync(string nameOrId, bool force, CancellationToken ct) => OneAtATimeAsync(async () =>
    {
        var sw = Resolve(nameOrId);
        var info = await InfoAsync(sw, ct).ConfigureAwait(false);
        var users = Users(sw);
        if (users.Count > 0 && !force)
            throw new SwitchException(StatusCodes.Status409Conflict,
                $"Switch '{sw.Name}' is in use by {Describe(users)}; disconnect those adapters, or remove it with --force, which leaves them not connected");
        foreach (var vm in users.Select(u => u.Vm).Distinct())
            await vm.ChangeAsync(new DisconnectSwitch(sw.Name)).ConfigureAwait(false);
        try
        {
            await gateway.ApplyAsync([.. book.All.Where(s => s.Id != sw.Id)], ct).ConfigureAwait(false);
            await network.RemoveAsync(sw, ct).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            throw new SwitchException(StatusCodes.Status502BadGateway, $"Cannot remove switch '{sw.Name}': {e.Message}");
        }
        store.Delete(sw.Id);
        book.Set(book.All.Remove(sw));
        if (host.Config.DefaultSwitchId == sw.Id)
            await host.UpdateAsync(c => c with { DefaultSwitchId = null }, CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("Removed switch {Switch} ({Id})", sw.Name, sw.Id);
        return info with { Adapters = [] };
    }, ct);

    /// <summary>Changes of switches one at a time: each sees the devices and the book as the one before left them.</summary>
    private async Task<T> OneAtATimeAsync<T>(Func<Task<T>> change, CancellationToken ct)
    {
        await writer.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await change().ConfigureAwait(false);
        }
        finally
        {
            writer.Release();
        }
    }

    private VirtualSwitch Resolve(string nameOrId) =>
        (Guid.TryParse(nameOrId, out var id) ? book.All.FirstOrDefault(s => s.Id == id) : null) ?? book.Find(nameOrId)
        ?? throw new SwitchException(StatusCodes.Status404NotFound, $"Switch '{nameOrId}' was not found; 'nube switch list' shows the host's switches.");

    private static VirtualSwitch Apply(VirtualSwitch current, SwitchSettings s, bool creating)
    {
        var errors = new List<ValidationError>();
        var kind = current.Kind;
        if (s.Kind is { } word)
        {
            if (!EnumWords.TryParse<SwitchKind>(word, out kind))
                errors.Add(new("kind", word, $"kind: '{word}' is not a switch kind; a switch is private, internal or external"));
            else if (!creating && kind != current.Kind)
                errors.Add(new("kind", word, $"kind: a switch's kind is fixed once made (this one is {EnumWords.Word(current.Kind)}); make a new switch instead"));
        }
        if (!creating && s.Interface is { } uplink && uplink != current.Interface)
            errors.Add(new("interface", uplink, $"interface: a switch's host interface is fixed once made (this one's is {current.Interface ?? "none"}); make a new switch instead"));
        if (creating && s.Name is null)
            errors.Add(new("name", "", "name: a new switch needs a name"));
        if (errors.Count > 0)
            throw new ValidationException(errors);
        return current with
        {
            Name = s.Name ?? current.Name,
            Kind = kind,
            HostAddresses = s.HostAddresses is { } a ? [.. a] : current.HostAddresses,
            Nat = s.Nat ?? current.Nat,
            Dhcp = s.Dhcp ?? current.Dhcp,
            Interface = creating ? s.Interface : current.Interface,
            Notes = s.Notes ?? current.Notes,
        };
    }

    private void Validate(VirtualSwitch sw)
    {
        var errors = SwitchRules.Validate(sw, book.All.Where(o => o.Id != sw.Id).Select(o => o.Name)).ToList();
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }

    private async Task UndoAsync(VirtualSwitch sw)
    {
        try
        {
            await gateway.ApplyAsync(book.All, CancellationToken.None).ConfigureAwait(false);
            await network.RemoveAsync(sw, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            logger.LogWarning("Could not undo the half-made switch {Switch}: {Reason}", sw.Name, e.Message);
        }
    }

    private List<(VmController Vm, NetworkAdapter Adapter)> Users(VirtualSwitch sw) =>
        [.. vms.All.SelectMany(v => (v.Snapshot.Config?.NetworkAdapters ?? []).Select(a => (Vm: v, Adapter: a)))
            .Where(x => string.Equals(NetworkAdapter.SwitchName(x.Adapter), sw.Name, StringComparison.OrdinalIgnoreCase))];

    private static string Describe(List<(VmController Vm, NetworkAdapter Adapter)> users) =>
        string.Join(", ", users.Select(u => $"VM '{u.Vm.Snapshot.Name}' adapter {u.Adapter.Id}"));

    private async Task<SwitchInfo> InfoAsync(VirtualSwitch sw, CancellationToken ct)
    {
        bool ready;
        string? problem = problems.GetValueOrDefault(sw.Id);
        IReadOnlyList<string> addresses = [.. sw.HostAddresses];
        try
        {
            ready = await network.IsReadyAsync(sw, ct).ConfigureAwait(false);
            if (ready && sw.Kind == SwitchKind.External)
                addresses = await network.BridgeAddressesAsync(sw, ct).ConfigureAwait(false);
        }
        catch (HostCommandException e)
        {
            (ready, problem) = (false, e.Message);
        }
        return new SwitchInfo
        {
            Id = sw.Id,
            Name = sw.Name,
            Kind = EnumWords.Word(sw.Kind),
            HostAddresses = addresses,
            Nat = sw.Nat,
            Dhcp = sw.Dhcp,
            DhcpRange = sw.Dhcp && SwitchAddressing.Of(sw) is { } a ? $"{a.FirstLease}-{a.LastLease}" : null,
            Notes = sw.Notes,
            Interface = sw.Interface,
            Bridge = LinkNames.Bridge(sw.Id),
            Ready = ready,
            Problem = ready ? null : problem ?? "the bridge is missing or down",
            Adapters = [.. Users(sw).Select(u => new SwitchAdapterInfo
            {
                VmId = u.Vm.Id, Vm = u.Vm.Snapshot.Name, Adapter = u.Adapter.Id, MacAddress = u.Adapter.MacAddress, Tap = LinkNames.Tap(u.Vm.Id, u.Adapter.Id),
            })],
        };
    }
}
