using System.Text.Json;
using System.Text.Json.Nodes;
using Nube.Core.Vms;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>The changed configuration with what the host adds (device ids, MAC addresses), when every rule lets it through.</summary>
/// <exception cref="Core.Validation.ValidationException">A rule refuses it, or <paramref name="errors"/> had problems already.</exception>
public delegate VmConfig ConfigJudge(VmConfig current, VmConfig changed, VmState state, IReadOnlyList<Core.Validation.ValidationError> errors);

/// <summary>
/// The one writer of a VM's configuration. Changes come from both of the controller's lanes
/// (settings on the quick lane, while a long job may hold the main one; hardware on the main
/// lane, between jobs) and are applied one at a time, each against the configuration the one
/// before left.
/// </summary>
public sealed class ConfigChanges(VmController vm, VmServices services, ConfigJudge judge, ILogger logger)
{
    private readonly SemaphoreSlim one = new(1, 1);
    private readonly HotPlug hotPlug = new(vm, services, logger);

    /// <summary>
    /// Grows the running VM's disk whose file is <paramref name="real"/> to <paramref name="bytes"/>
    /// (QMP <c>block_resize</c> on its format node); in turn with the device changes, so that the
    /// disk cannot be removed meanwhile.
    /// </summary>
    /// <exception cref="VmConflictException">No QEMU runs, or the file is not one of its disks.</exception>
    public async Task GrowDiskAsync(string real, long bytes)
    {
        await one.WaitAsync().ConfigureAwait(false);
        try
        {
            var session = vm.Session;
            var disk = vm.Snapshot.Running?.Config is { } running && session is not null
                ? VmDrives.List(running).FirstOrDefault(d => d.Path is { } path && (Linux.UnixFiles.RealPath(path) ?? path) == real)
                : null;
            if (disk is null || session is null)
                throw new VmConflictException($"'{real}' is not a disk of VM '{vm.Snapshot.Name}' while it runs; resize it while the VM is off");
            using var arguments = JsonDocument.Parse(new JsonObject { ["node-name"] = disk.Id, ["size"] = bytes }.ToJsonString());
            await session.Qmp.ExecuteAsync("block_resize", arguments.RootElement.Clone()).ConfigureAwait(false);
            logger.LogInformation("VM {Name}: grew {Disk} ({Path}) to {Bytes} bytes while running", vm.Snapshot.Name, disk.Id, real, bytes);
        }
        finally
        {
            one.Release();
        }
    }

    /// <summary>
    /// Stores the drives of <paramref name="withDrives"/> (a checkpoint taken, merged or applied
    /// changed their images) into the configuration as it is now: a settings change made meanwhile
    /// on the quick lane stays. Hardware changes wait on the main lane, as the checkpoint's job does.
    /// </summary>
    public Task StoreDrivesAsync(VmConfig withDrives) =>
        StoreAsync(current => current with { IdeDrives = withDrives.IdeDrives, ScsiControllers = withDrives.ScsiControllers });

    /// <summary>
    /// Pins the machine type of a VM made before pinning (<see cref="VmConfig.Machine"/>) as it
    /// starts from off: the board its unversioned type gives on this QEMU, from now on by name.
    /// </summary>
    public Task PinMachineAsync(string machine) => StoreAsync(current => current with { Machine = current.Machine ?? machine });

    /// <summary>The configuration as it is now, changed by nubed itself (not the user) and stored.</summary>
    private async Task StoreAsync(Func<VmConfig, VmConfig> change)
    {
        await one.WaitAsync().ConfigureAwait(false);
        try
        {
            var now = vm.Snapshot;
            var current = now.Config ?? throw new VmConflictException($"VM {vm.Id} is broken: {now.BrokenReason}");
            var next = change(current);
            await services.Store.SaveAsync(next).ConfigureAwait(false);
            vm.Update(s => s with { Config = next });
            vm.PublishChanged();
        }
        finally
        {
            one.Release();
        }
    }

    public async Task ApplyAsync(ChangeConfig change)
    {
        await one.WaitAsync().ConfigureAwait(false);
        try
        {
            var now = vm.Snapshot;
            var session = vm.Session;
            var current = now.Config ?? throw new VmConflictException($"VM {vm.Id} is broken: {now.BrokenReason}");
            // The configuration travels with a move as it was when the move began.
            if (now.State is VmState.Migrating or VmState.Incoming)
                throw new VmConflictException($"Cannot change VM '{now.Name}': it is {Core.Lifecycle.VmLifecycle.Word(now.State)}; change it once the move has ended.");
            var next = judge(current, change.Change.Apply(current), now.State, change.Errors);
            vm.Checkpoints.CheckDisksKept(current, next);
            await services.Sharing.CheckChangeAsync(current, next, CancellationToken.None).ConfigureAwait(false);
            // A running VM's new processor reserve must fit the host, and its new limits be in
            // force, before the change is stored: a refused one changes nothing.
            services.Admission.ChangeReserve(next);
            if (session is not null && now.Accelerator is { } accelerator)
                services.Qemu.ApplyLimits(vm.Id, ResourceLimits.For(next, accelerator));
            // Devices added or removed while QEMU runs are plugged in (or out) before the change is stored.
            if (session is not null && now.Running is { } running)
            {
                var plugged = await hotPlug.ApplyAsync(session, running, next).ConfigureAwait(false);
                vm.Update(s => s with { Running = plugged });
            }
            await services.Store.SaveAsync(next).ConfigureAwait(false);
            vm.Update(s => s with { Config = next });
            vm.PublishChanged();
            vm.GuestIntegration.SettingsChanged(current.IntegrationServices, next.IntegrationServices);
            change.Done.TrySetResult(vm.Snapshot);
        }
        catch (Exception e)
        {
            change.Done.TrySetException(e);
        }
        finally
        {
            one.Release();
        }
    }
}
