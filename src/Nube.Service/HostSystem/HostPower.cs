using Nube.Contracts.HostSystem;
using Nube.Core.Lifecycle;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Service.HostSystem;

/// <summary>
/// Restarts or shuts down the host as Hyper-V does: every running VM's automatic stop action first
/// (save, shut down, turn off), then the power command. When a stop action fails or a VM is still
/// running after them, the host stays up and the error names the VMs.
/// </summary>
public sealed class HostPower(IVmStopActions stopActions, IPowerSwitch power, ILogger<HostPower> logger)
{
    private static readonly string[] Down = [VmLifecycle.Word(VmState.Off), VmLifecycle.Word(VmState.Saved), Vms.VmSnapshot.Broken];

    public async Task<PowerResult> RunAsync(PowerRequest request, CancellationToken ct)
    {
        var action = request.Action;
        if (action is not (PowerActions.Restart or PowerActions.Shutdown))
            throw new ValidationException([new("action", action,
                $"action: {Shown.Quote(action)} is not one of {PowerActions.Restart}, {PowerActions.Shutdown}")]);
        var notDone = action == PowerActions.Restart ? "the host was not restarted" : "the host was not shut down";
        IReadOnlyList<Contracts.Vms.VmSummary> vms;
        try
        {
            vms = await stopActions.ApplyAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The VMs' automatic stop actions failed before a host {Action}", action);
            throw new HostSystemConflictException($"The VMs' automatic stop actions failed ({e.Message}), so {notDone}.");
        }
        var up = vms.Where(v => !Down.Contains(v.State)).ToList();
        if (up.Count > 0)
            throw new HostSystemConflictException(
                $"{string.Join(", ", up.Select(v => $"VM '{v.Name}' is {v.State}"))} after the automatic stop actions, so {notDone}; " +
                "stop or turn off what still runs, then try again.");
        var command = power.CommandFor(action);
        logger.LogWarning("Host {Action} requested: the VMs are stopped, running '{Command}'", action, command);
        await power.RunAsync(action, ct).ConfigureAwait(false);
        return new PowerResult { Action = action, Command = command.ToString(), Vms = vms };
    }
}
