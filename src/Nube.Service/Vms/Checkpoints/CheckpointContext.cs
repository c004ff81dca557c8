using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>What the checkpoint operations share: the VM, its checkpoints' store, and the writes of its configuration.</summary>
public sealed record CheckpointContext(VmController Vm, VmServices Services, CheckpointStore Store, ILogger Logger)
{
    public string Name => Vm.Snapshot.Name;

    public VmConfig Config => Vm.Snapshot.Config ?? throw new VmConflictException($"VM {Vm.Id} is broken: {Vm.Snapshot.BrokenReason}");

    /// <summary>The VM's new disks, stored (and, while it runs, also the running state's); its other settings are left as they are now.</summary>
    public async Task StoreAsync(VmConfig next, RunningVm? running = null)
    {
        if (running is not null)
        {
            await running.WriteAsync(Vm.Paths.RunningState).ConfigureAwait(false);
            Vm.Update(s => s with { Running = running });
        }
        await Vm.StoreDrivesAsync(next).ConfigureAwait(false);
    }

    /// <summary>The block node QEMU has for a file of the running VM (nodes are named as their <c>-file</c> node without the suffix).</summary>
    public static string? NodeOf(RunningVm running, string path) =>
        running.Files.LastOrDefault(f => f.Path == path && f.Node.EndsWith("-file", StringComparison.Ordinal)) is { } file
            ? file.Node[..^"-file".Length] : null;

    /// <exception cref="VmConflictException">The VM is in none of <paramref name="allowed"/>.</exception>
    public VmState Require(string what, string advice, params VmState[] allowed)
    {
        var state = Vm.Snapshot.State;
        if (!allowed.Contains(state))
            throw new VmConflictException($"Cannot {what} of VM '{Name}': it is {VmLifecycle.Word(state)}; {advice}.");
        return state;
    }
}
