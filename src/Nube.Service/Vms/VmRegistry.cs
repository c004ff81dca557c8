using Nube.Core.Hosts;
using System.Collections.Concurrent;
using Nube.Core.Lifecycle;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Persistence;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms;

/// <summary>
/// The host's VMs: one controller each. The registry owns what is shared between VMs: ids and
/// names (a name being given is reserved, so two VMs never get the same one) and, through
/// <see cref="RunAdmission"/>, the edition's limit on running VMs. Everything about one VM goes
/// to its controller; no lock is held while a controller works, so a VM busy with a long job
/// never holds up another.
/// </summary>
public sealed class VmRegistry(VmServices services, ILogger<VmRegistry> logger)
{
    private readonly ConcurrentDictionary<Guid, VmController> vms = new();
    private readonly Lock gate = new(); // guards reserved
    private readonly Dictionary<string, Guid> reserved = new(StringComparer.OrdinalIgnoreCase);
    private readonly StoppedAtShutdown stoppedAtShutdown = new(services.Options.DataDir);

    public IReadOnlyList<VmController> All =>
        [.. vms.Values.OrderBy(v => v.Snapshot.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// Loads every VM, reattaches to the QEMUs still running, settles the jobs an earlier run
    /// left unfinished, then applies the automatic start actions. At host boot this is when they
    /// run: a VM counts as having been running when its QEMU is, or when the stop actions of an
    /// earlier boot stopped it (<see cref="StoppedAtShutdown"/>). <paramref name="reattached"/> runs
    /// in between, with the VMs whose QEMU runs, before any VM can start (the switches' clean-up).
    /// </summary>
    public async Task InitializeAsync(Func<IReadOnlySet<Guid>, Task>? reattached = null)
    {
        services.Sharing.Watch(() => vms.Values.Select(v => v.Snapshot));
        var wasRunning = TakeStoppedAtShutdown();
        foreach (var stored in services.Store.LoadAll())
        {
            if (stored.Error is not null)
                logger.LogError("VM {Id} is broken: {Error}", stored.Id, stored.Error);
            var controller = Add(stored);
            if (stored.Config is not null && await controller.ReattachAsync().ConfigureAwait(false))
                wasRunning.Add(stored.Id);
        }
        services.Jobs.Load(id => vms.TryGetValue(id, out var vm) ? vm.Snapshot : null);
        if (reattached is not null)
            await reattached(vms.Values.Where(v => v.Snapshot.ProcessId is not null).Select(v => v.Id).ToHashSet()).ConfigureAwait(false);
        foreach (var vm in vms.Values)
        {
            var now = vm.Snapshot;
            if (now.Config is not { } config || !VmLifecycle.IsIdle(now.State))
                continue;
            if (config.AutomaticStartAction == AutomaticStartAction.AlwaysStart
                || (config.AutomaticStartAction == AutomaticStartAction.StartIfRunning && wasRunning.Contains(vm.Id)))
                vm.ScheduleStart(TimeSpan.FromSeconds(config.AutomaticStartDelaySeconds), "its automatic start action");
        }
    }

    public VmController Resolve(string idOrName)
    {
        if (Guid.TryParse(idOrName, out var id) && vms.TryGetValue(id, out var byId))
            return byId;
        var byName = vms.Values.Where(v => string.Equals(v.Snapshot.Name, idOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.Count == 1 ? byName[0] : throw new VmNotFoundException(idOrName);
    }

    /// <summary>Creates a VM from a patch over the defaults; <paramref name="errors"/> are those found reading the request.</summary>
    public async Task<VmController> CreateAsync(VmPatch patch, IReadOnlyList<ValidationError> errors)
    {
        var config = WithMacs(DeviceIds.Assign(null, WithDefaultAdapter(patch).Apply(new VmConfig
        {
            Id = Guid.NewGuid(), Name = patch.Name ?? "",
            // A new generation 2 VM has root ports for its adapters to come and go while it runs.
            PcieRootPorts = patch.Generation == 2 ? Generations.DefaultRootPorts : null,
            // Its board is pinned to the version this host's QEMU gives today, unless the request names one.
            Machine = services.Host.Facts.Machines.Current(patch.Generation ?? 1),
            // And its processor to one every host gives alike, unless the request asks for the host's.
            Processor = ProcessorModel.Compatible,
        })));
        Reserve(config.Name, config.Id);
        try
        {
            Validate(config, [.. errors], machineChanged: true);
            // Every backing file of every disk is checked now, not only at the first start.
            var chains = await services.Disks.ReadChainsAsync(config, CancellationToken.None).ConfigureAwait(false);
            await services.Sharing.CheckAsync(config, chains, CancellationToken.None).ConfigureAwait(false);
            await services.Store.SaveAsync(config).ConfigureAwait(false);
            var vm = Add(new StoredVm(config.Id, config, null));
            PublishCreated(config, VmState.Off);
            logger.LogInformation("Created VM {Name} ({Id})", config.Name, config.Id);
            return vm;
        }
        finally
        {
            Release(config.Name, config.Id);
        }
    }

    /// <summary>Changes a VM's settings; hardware only while it is off or saved.</summary>
    public async Task<VmSnapshot> UpdateAsync(VmController vm, VmPatch patch, IReadOnlyList<ValidationError> errors)
    {
        if (patch.Name is { } name)
            Reserve(name, vm.Id);
        try
        {
            // Settings the host keeps for itself change at once, even while a long job (a save) runs.
            return await vm.ChangeAsync(patch, errors).ConfigureAwait(false);
        }
        finally
        {
            if (patch.Name is { } given)
                Release(given, vm.Id);
        }
    }

    /// <summary>The changed configuration with its device ids and MACs, when every rule lets it through (each controller's <see cref="ConfigJudge"/>).</summary>
    private VmConfig Judge(VmConfig current, VmConfig changed, VmState state, IReadOnlyList<ValidationError> errors)
    {
        var next = WithMacs(DeviceIds.Assign(current, changed));
        var problems = errors.ToList();
        problems.AddRange(ChangeRules.Check(current, next));
        // Saved counts as not off: its memory is restored into the hardware it was saved from.
        problems.AddRange(LiveChanges.Check(VmConfigDiff.Compute(current, next), state));
        Validate(next, problems, machineChanged: next.Machine != current.Machine);
        return next;
    }

    /// <summary>
    /// Takes in a VM that moves here from another host, exactly as it is configured there (id,
    /// devices, MACs), in the incoming state; every rule of a new VM applies.
    /// </summary>
    public async Task<VmController> ReceiveAsync(VmConfig config)
    {
        Reserve(config.Name, config.Id);
        try
        {
            if (vms.ContainsKey(config.Id))
                throw new ValidationException([new("vmId", config.Id.ToString(), $"vmId: this host already has VM {config.Id}")]);
            Validate(config, [], machineChanged: true);
            await services.Store.SaveAsync(config).ConfigureAwait(false);
            var vm = Add(new StoredVm(config.Id, config, null), incoming: true);
            PublishCreated(config, VmState.Incoming);
            logger.LogInformation("Receiving VM {Name} ({Id}) from another host", config.Name, config.Id);
            return vm;
        }
        finally
        {
            Release(config.Name, config.Id);
        }
    }

    /// <param name="moved">The VM moved away (or never arrived): forgotten from its migrating or incoming state.</param>
    public async Task RemoveAsync(VmController vm, bool moved = false)
    {
        var name = vm.Snapshot.Name;
        await vm.RemoveAsync(moved).ConfigureAwait(false);
        vms.TryRemove(vm.Id, out _);
        await vm.StopAsync().ConfigureAwait(false);
        services.Events.Publish(new Contracts.Events.HostEvent
        {
            Sequence = 0, Type = Contracts.Events.HostEventTypes.VmRemoved, Time = services.Clock.GetUtcNow(), VmId = vm.Id, VmName = name,
        });
        logger.LogInformation("Removed VM {Name} ({Id})", name, vm.Id);
    }

    /// <summary>
    /// What the host does with its running VMs when it shuts down: each VM's automatic stop action
    /// (save, turn off or shut down), all VMs at once; a VM whose action fails is turned off.
    /// </summary>
    public async Task<IReadOnlyList<VmController>> ApplyStopActionsAsync()
    {
        var running = vms.Values.Where(v => v.Snapshot is { Config: not null, State: VmState.Running or VmState.Paused }).ToList();
        await RecordStoppedAsync(running).ConfigureAwait(false);
        await Task.WhenAll(running.Select(async vm =>
        {
            var action = vm.Snapshot.Config!.AutomaticStopAction switch
            {
                AutomaticStopAction.Save => VmOperation.Save,
                AutomaticStopAction.ShutDown when vm.Snapshot.State == VmState.Running => VmOperation.Stop,
                _ => VmOperation.TurnOff,
            };
            try
            {
                var job = vm.Submit(action);
                await job.Ended.ConfigureAwait(false);
                if (job.Info.State != Contracts.Jobs.JobStates.Completed && !VmLifecycle.IsIdle(vm.Snapshot.State))
                {
                    logger.LogError("Stop action of VM {Name} failed: {Error}; turning it off", vm.Snapshot.Name, job.Info.Problem?.Detail);
                    await vm.Submit(VmOperation.TurnOff).Ended.ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is VmStateException or VmConflictException)
            {
                logger.LogWarning("Stop action of VM {Name} skipped: {Error}", vm.Snapshot.Name, e.Message);
            }
        })).ConfigureAwait(false);
        return running;
    }

    /// <summary>The host service is stopping: controllers stop taking commands; VMs keep running.</summary>
    public Task StopAsync() => Task.WhenAll(vms.Values.Select(v => v.StopAsync()));

    /// <summary>Written before the actions, so that a host that goes down before they end still knows what ran; never in their way.</summary>
    private async Task RecordStoppedAsync(IEnumerable<VmController> running)
    {
        try
        {
            await stoppedAtShutdown.AddAsync(services.Host.Facts.BootId, running.Select(v => v.Id)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError("The VMs stopped now cannot be written down, so they will not count as having run at the next boot: {Error}", e.Message);
        }
    }

    private HashSet<Guid> TakeStoppedAtShutdown()
    {
        try
        {
            return [.. stoppedAtShutdown.Take(services.Host.Facts.BootId)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError("The VMs stopped at the last shutdown are unknown, so none counts as having run: {Error}", e.Message);
            return [];
        }
    }

    private void PublishCreated(VmConfig config, VmState state) => services.Events.Publish(new Contracts.Events.HostEvent
    {
        Sequence = 0, Type = Contracts.Events.HostEventTypes.VmCreated, Time = services.Clock.GetUtcNow(),
        VmId = config.Id, VmName = config.Name, State = VmLifecycle.Word(state),
    });

    private VmController Add(StoredVm stored, bool incoming = false)
    {
        var controller = new VmController(stored, services, Judge, incoming);
        vms[stored.Id] = controller;
        controller.Start();
        return controller;
    }

    /// <summary>
    /// Claims a name while the VM that is to bear it is created or renamed. The first claimant
    /// keeps it; a later one finds it among the names in use and is refused by the validator.
    /// </summary>
    private void Reserve(string name, Guid vm)
    {
        lock (gate)
            reserved.TryAdd(name, vm);
    }

    private void Release(string name, Guid vm)
    {
        lock (gate)
        {
            if (reserved.TryGetValue(name, out var holder) && holder == vm)
                reserved.Remove(name);
        }
    }

    /// <param name="machineChanged">The VM's machine type is new: this host's QEMU must have it (one pinned before may be
    /// missing here, which its start says).</param>
    private void Validate(VmConfig config, List<ValidationError> errors, bool machineChanged)
    {
        if (machineChanged && MachineRules.CheckHost(config, services.Host.Facts.Machines, services.Host.Facts.QemuVersion) is { } machine)
            errors.Add(machine);
        List<string> claimed;
        lock (gate)
            claimed = [.. reserved.Where(r => r.Value != config.Id).Select(r => r.Key)];
        var others = vms.Values.Where(v => v.Id != config.Id).Select(v => v.Snapshot.Config?.Name).OfType<string>().Concat(claimed);
        errors.AddRange(VmValidator.Validate(config, services.Host.Edition, others, services.Switches.Names));
        errors.AddRange(StorageRootRules.Check(config, StorageRootRules.Roots(services.Options.DataDir, services.Host.Config), services.Options.DataDir,
            services.Host.Config.PassthroughDevices));
        // Two adapters with one MAC on a switch would take each other's frames.
        var macOwners = OtherAdapters(config.Id).GroupBy(a => a.Mac, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < config.NetworkAdapters.Length; i++)
        {
            if (config.NetworkAdapters[i].MacAddress is { } mac && macOwners.TryGetValue(mac, out var owner))
                errors.Add(new($"networkAdapters[{i}].macAddress", mac,
                    $"networkAdapters[{i}].macAddress: '{mac}' is already the MAC address of VM '{owner.Vm}' (adapter {owner.Adapter}); every adapter of the host needs its own"));
        }
        if (errors.Count > 0)
            throw new ValidationException(errors);
    }

    /// <summary>Settings that name no adapters get one synthetic adapter on the host's default switch, when it has one (as Hyper-V's wizard offers its Default Switch).</summary>
    private VmPatch WithDefaultAdapter(VmPatch patch) =>
        patch.NetworkAdapters is null && services.Switches.All.FirstOrDefault(s => s.Id == services.Host.Config.DefaultSwitchId) is { } sw
            ? patch with { NetworkAdapters = [new NetworkAdapter { Kind = NetworkAdapterKind.Synthetic, Switch = sw.Name }] }
            : patch;

    /// <summary>
    /// A MAC from the host's dynamic range for every adapter without one, one that no adapter of
    /// the host has (this VM's own included).
    /// </summary>
    private VmConfig WithMacs(VmConfig config)
    {
        if (config.NetworkAdapters.All(n => n.MacAddress is not null))
            return config;
        var used = AllMacs(config.Id).Concat(config.NetworkAdapters.Select(n => n.MacAddress).OfType<string>())
            .Select(m => m.ToLowerInvariant()).ToHashSet();
        var host = services.Host.Config;
        return config with
        {
            NetworkAdapters = [.. config.NetworkAdapters.Select(n =>
            {
                if (n.MacAddress is not null)
                    return n;
                var mac = MacAddressPool.Pick(host.MacAddressMinimum, host.MacAddressMaximum, used, Random.Shared)
                    ?? throw new ValidationException([new("networkAdapters", host.MacAddressMinimum,
                        $"networkAdapters: every MAC address of the host's range {host.MacAddressMinimum} to {host.MacAddressMaximum} is in use; " +
                        "widen it with 'nube host set --mac-address-minimum/--mac-address-maximum', or give the adapter a MAC")]);
                used.Add(mac);
                return n with { MacAddress = mac };
            })],
        };
    }

    /// <summary>The MACs of every other VM's adapters.</summary>
    private IEnumerable<string> AllMacs(Guid except) => OtherAdapters(except).Select(a => a.Mac);

    /// <summary>Every other VM's adapters that have a MAC, with the VM's name.</summary>
    private IEnumerable<(string Vm, string Adapter, string Mac)> OtherAdapters(Guid except) =>
        vms.Values.Where(v => v.Id != except).Select(v => v.Snapshot.Config).OfType<VmConfig>()
            .SelectMany(c => c.NetworkAdapters.Where(n => n.MacAddress is not null).Select(n => (c.Name, n.Id, n.MacAddress!)));
}
