using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Integration;
using Nube.Service.Vms.Qemu;

namespace Nube.Service.Vms;

/// <summary>
/// Stop (Hyper-V's Shut Down): the guest is asked through its agent first (operating system
/// shutdown), then, if it has not gone within part of the host's stop timeout or its agent is
/// out of reach, with the ACPI power button; a guest still there at the stop timeout is turned
/// off. A frozen guest is thawed first. Cancelled, the VM stays running.
/// </summary>
public sealed class StopOperation(IVmRun vm, VmServices services, ILogger logger)
{
    public const string ThroughAgent = "The guest shut down through its agent.";
    public const string OnPowerButton = "The guest shut down on the ACPI power button.";

    /// <summary>The share of the stop timeout that the guest gets after its agent's request, before the power button.</summary>
    public const double AgentShare = 0.5;

    /// <param name="end">Ends QEMU and settles the state (the operations' own end).</param>
    /// <returns>Which way the guest went: through its agent, on the power button, or turned off.</returns>
    public async Task<string> RunAsync(Job job, QemuSession run, VmTransition transition, Func<VmState, string?, Task> end, CancellationToken ct)
    {
        var name = vm.Snapshot.Name;
        var timeout = TimeSpan.FromSeconds(services.Host.Config.StopTimeoutSeconds);
        var deadline = services.Clock.GetUtcNow() + timeout;
        try
        {
            if (vm.Snapshot.Freeze is not null)
                await ThawAsync(job, ct).ConfigureAwait(false);
            if (await GuestShutdown.AskAsync(vm, run, services.Host.Config, logger, ct).ConfigureAwait(false))
            {
                vm.SetState(transition.During);
                job.Report("waiting for the guest to shut down (asked through its agent)");
                if (await run.WaitForExitAsync(timeout * AgentShare, services.Clock, ct).ConfigureAwait(false))
                {
                    await end(transition.Success, null).ConfigureAwait(false);
                    return ThroughAgent;
                }
                logger.LogInformation("VM {Name} did not shut down within {Seconds} s of its agent's request; pressing its power button",
                    name, (timeout * AgentShare).TotalSeconds);
            }
            await PressPowerButtonAsync(run, transition, name, ct).ConfigureAwait(false);
            vm.SetState(transition.During);
            job.Report("waiting for the guest to shut down");
            var left = deadline - services.Clock.GetUtcNow();
            if (await run.WaitForExitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, services.Clock, ct).ConfigureAwait(false))
            {
                await end(transition.Success, null).ConfigureAwait(false);
                return OnPowerButton;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            if (run.Process.IsAlive)
                vm.SetState(transition.From);
            else
                await end(VmState.Off, "The guest shut down.").ConfigureAwait(false);
            throw;
        }
        logger.LogWarning("VM {Name} did not shut down within {Seconds} s; turning it off", name, timeout.TotalSeconds);
        var why = $"The guest did not shut down within {timeout.TotalSeconds:0} s, so it was turned off.";
        await end(transition.Success, why).ConfigureAwait(false);
        return why;
    }

    /// <summary>A frozen guest could not write what it has to on its way down: thawed first, or tried.</summary>
    private async Task ThawAsync(Job job, CancellationToken ct)
    {
        job.Report("thawing the guest's file systems");
        try
        {
            await vm.GuestIntegration.Freeze.ThawAsync("the VM is stopping", ct).ConfigureAwait(false);
        }
        catch (GuestAgentNoAnswerException e)
        {
            logger.LogWarning("{Error}; stopping it all the same", e.Message);
        }
    }

    /// <summary>
    /// The ACPI power button. Refused by QEMU while the guest is already on its way down after its
    /// agent's request, the stop goes on waiting; refused otherwise, the VM stays as it was.
    /// </summary>
    private async Task PressPowerButtonAsync(QemuSession run, VmTransition transition, string name, CancellationToken ct)
    {
        try
        {
            await run.Qmp.SystemPowerdownAsync(ct).ConfigureAwait(false);
        }
        catch (QmpException e) when (vm.Snapshot.State == transition.During)
        {
            logger.LogWarning("VM {Name}: the power button could not be pressed ({Error}); waiting for the guest's own shutdown", name, e.Message);
        }
        catch (QmpException e)
        {
            throw new VmOperationFailedException("stop", name, e);
        }
    }
}
