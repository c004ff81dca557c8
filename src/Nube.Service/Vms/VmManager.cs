using System.Collections.Concurrent;
using Nube.Contracts.Vms;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Launch;
using Nube.Service.Hosting;
using Nube.Service.Persistence;

namespace Nube.Service.Vms;

/// <summary>
/// Owns the VMs of one data directory: their configurations, their states and their QEMU
/// processes. Each VM's operations are serialised by its own lock; VMs never wait on each other.
/// </summary>
public sealed partial class VmManager(
    NubedOptions options, HostRuntime host, VmStore store, QemuLauncher launcher, ILogger<VmManager> logger)
{
    private readonly ConcurrentDictionary<Guid, VmEntry> vms = new();
    private readonly SemaphoreSlim configLock = new(1, 1);

    public IReadOnlyList<VmEntry> All => vms.Values.OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();

    public int RunningCount => vms.Values.Count(v => v.Process is not null);

    /// <summary>Loads every VM, reattaches to the QEMUs still running, then applies automatic start actions.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        var wasRunning = new List<VmEntry>();
        foreach (var stored in store.LoadAll())
        {
            var entry = NewEntry(stored.Id);
            entry.Config = stored.Config;
            entry.BrokenReason = stored.Error;
            if (stored.Error is not null)
                logger.LogError("VM {Id} is broken: {Error}", stored.Id, stored.Error);
            vms[stored.Id] = entry;
            if (await ReattachAsync(entry, ct).ConfigureAwait(false))
                wasRunning.Add(entry);
        }
        foreach (var entry in vms.Values.Where(e => e.Config is not null && e.State is VmState.Off or VmState.Saved))
        {
            var action = entry.Config!.AutomaticStartAction;
            if (action == AutomaticStartAction.AlwaysStart || (action == AutomaticStartAction.StartIfRunning && wasRunning.Contains(entry)))
                _ = AutomaticStartAsync(entry);
        }
    }

    private async Task AutomaticStartAsync(VmEntry entry)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(entry.Config!.AutomaticStartDelaySeconds)).ConfigureAwait(false);
            await StartAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Automatic start of VM {Name} failed", entry.Name);
            lock (entry.Sync)
                entry.StateReason = $"Automatic start failed: {e.Message}";
        }
    }

    /// <summary>
    /// What the host does with its running VMs when it shuts down: each VM's automatic stop
    /// action (save, turn off or shut down), all VMs at once. Returns the VMs it acted on.
    /// </summary>
    public async Task<IReadOnlyList<VmEntry>> ApplyStopActionsAsync(CancellationToken ct)
    {
        var running = vms.Values.Where(v => v.Config is not null && CurrentState(v) is VmState.Running or VmState.Paused).ToList();
        await Task.WhenAll(running.Select(async entry =>
        {
            try
            {
                await (entry.Config!.AutomaticStopAction switch
                {
                    AutomaticStopAction.Save => SaveAsync(entry, ct),
                    AutomaticStopAction.ShutDown when CurrentState(entry) == VmState.Running => StopAsync(entry, ct),
                    _ => TurnOffAsync(entry, ct),
                }).ConfigureAwait(false);
            }
            catch (Exception e) when (e is VmOperationException or ValidationException)
            {
                // One VM's failure must not keep the others from stopping; turn it off instead.
                logger.LogError("Stop action of VM {Name} failed: {Error}; turning it off", entry.Name, e.Message);
                if (CurrentState(entry) is not (VmState.Off or VmState.Saved))
                    await TurnOffAsync(entry, ct).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        return running;
    }

    public VmEntry Resolve(string idOrName)
    {
        if (Guid.TryParse(idOrName, out var id) && vms.TryGetValue(id, out var byId))
            return byId;
        var byName = vms.Values.Where(v => string.Equals(v.Name, idOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.Count == 1 ? byName[0] : throw new VmNotFoundException(idOrName);
    }

    public async Task<VmEntry> CreateAsync(VmSettings settings, CancellationToken ct)
    {
        var errors = new List<ValidationError>();
        var patch = SettingsMapper.ToPatch(settings, errors);
        var draft = patch.Apply(new VmConfig { Id = Guid.NewGuid(), Name = settings.Name ?? "" });
        var config = draft with { NetworkAdapters = [.. draft.NetworkAdapters.Select(n => n.MacAddress is null ? n with { MacAddress = NewMac() } : n)] };
        await configLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            errors.AddRange(VmValidator.Validate(config, host.Edition, OtherNames(config.Id)));
            if (errors.Count > 0)
                throw new ValidationException(errors);
            await store.SaveAsync(config, ct).ConfigureAwait(false);
            var entry = NewEntry(config.Id);
            entry.Config = config;
            vms[config.Id] = entry;
            logger.LogInformation("Created VM {Name} ({Id})", config.Name, config.Id);
            return entry;
        }
        finally
        {
            configLock.Release();
        }
    }

    public async Task UpdateAsync(VmEntry entry, VmSettings settings, CancellationToken ct)
    {
        await entry.OperationLock.WaitAsync(ct).ConfigureAwait(false);
        await configLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = entry.Config ?? throw Broken(entry);
            var errors = new List<ValidationError>();
            var patch = SettingsMapper.ToPatch(settings, errors);
            if (entry.State != VmState.Off)
                errors.AddRange(OffOnlyChanges(settings, entry.State));
            var next = patch.Apply(current);
            next = next with { NetworkAdapters = [.. next.NetworkAdapters.Select(n => n.MacAddress is null ? n with { MacAddress = NewMac() } : n)] };
            errors.AddRange(VmValidator.Validate(next, host.Edition, OtherNames(entry.Id)));
            if (errors.Count > 0)
                throw new ValidationException(errors);
            await store.SaveAsync(next, ct).ConfigureAwait(false);
            entry.Config = next;
        }
        finally
        {
            configLock.Release();
            entry.OperationLock.Release();
        }
    }

    /// <summary>Hardware can change only while the VM is off, as in Hyper-V.</summary>
    private static IEnumerable<ValidationError> OffOnlyChanges(VmSettings s, VmState state)
    {
        var stateName = SettingsMapper.Name(state);
        (string Field, object? Value)[] hardware =
        [
            ("processorCount", s.ProcessorCount), ("memoryStartupMiB", s.MemoryStartupMiB), ("boot", s.Boot),
            ("ideDrives", s.IdeDrives), ("scsiControllers", s.ScsiControllers), ("networkAdapters", s.NetworkAdapters),
            ("com1", s.Com1), ("generation", s.Generation),
        ];
        foreach (var (field, value) in hardware.Where(h => h.Value is not null))
            yield return new ValidationError(field, value is System.Collections.IEnumerable and not string ? "[...]" : value!.ToString()!,
                $"{field}: can change only while the VM is off; it is {stateName}.");
    }

    public async Task RemoveAsync(VmEntry entry, CancellationToken ct)
    {
        await entry.OperationLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (entry.State is not (VmState.Off or VmState.Saved))
                throw new VmOperationException(StatusCodes.Status409Conflict, "The VM is not off",
                    $"Cannot remove VM '{entry.Name}': it is {SettingsMapper.Name(entry.State)}; turn it off first.");
            store.Remove(entry.Id);
            vms.TryRemove(entry.Id, out _);
            logger.LogInformation("Removed VM {Name} ({Id})", entry.Name, entry.Id);
        }
        finally
        {
            entry.OperationLock.Release();
        }
    }

    private IEnumerable<string> OtherNames(Guid id) =>
        vms.Values.Where(v => v.Id != id && v.Config is not null).Select(v => v.Config!.Name);

    private VmEntry NewEntry(Guid id) =>
        new(id, new VmRuntimePaths(Path.Combine(options.RunDir, "vms", id.ToString()), store.VmDirectory(id)));

    private static VmOperationException Broken(VmEntry entry) =>
        new(StatusCodes.Status409Conflict, "The VM's configuration cannot be read",
            $"VM {entry.Id} is broken: {entry.BrokenReason}");

    /// <summary>A locally administered unicast address in QEMU's 52:54:00 range.</summary>
    private static string NewMac()
    {
        Span<byte> b = stackalloc byte[3];
        Random.Shared.NextBytes(b);
        return $"52:54:00:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}";
    }
}
