using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Integration;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>
/// Stop (Hyper-V's Shut Down): the guest is asked through its agent first (operating system
/// shutdown: guest-shutdown, and a few seconds later, if it is still there, a power-off program
/// run with guest-exec), then, if it has not gone within part of the host's stop timeout or its
/// agent is out of reach, with the ACPI power button; a guest still there at the stop timeout is
/// turned off. A frozen guest is thawed first. Cancelled, the VM stays running.
/// </summary>
public sealed class StopOperation(IVmRun vm, VmServices services, ILogger logger)
{
    public const string ThroughAgent = "The guest shut down through its agent.";
    public const string OnPowerButton = "The guest shut down on the ACPI power button.";

    /// <summary>The share of the stop timeout that the guest gets after its agent's request, before the power button.</summary>
    public const double AgentShare = 0.5;

    /// <summary>
    /// How long guest-shutdown gets before the agent is asked again with guest-exec. A guest that
    /// takes it is on its way down at once: a Debian 12 guest with D-Bus and logind has powered off
    /// within about 2 s of it under TCG, and a request repeated to a guest that is still going
    /// down is harmless (systemd merges it with the power-off under way). Well within the agent's
    /// share (30 s of the default 60), it leaves the second request most of that share.
    /// </summary>
    public static readonly TimeSpan SecondRequestAfter = TimeSpan.FromSeconds(5);

    /// <summary>The result line of a guest that powered off on the agent's second request.</summary>
    public static string ThroughAgentRunning(string command) => $"The guest shut down through its agent, which ran '{command}'.";

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
                if (await WaitThroughAgentAsync(job, run, timeout * AgentShare, ct).ConfigureAwait(false) is { } way)
                {
                    await end(transition.Success, null).ConfigureAwait(false);
                    return way;
                }
                logger.LogInformation("VM {Name} did not shut down within {Seconds} s of its agent's request; pressing its power button",
                    name, (timeout * AgentShare).TotalSeconds);
            }
            await PressPowerButtonAsync(run, transition, name, ct).ConfigureAwait(false);
            vm.SetState(transition.During);
            job.Report("waiting for the guest to shut down");
            if (await run.WaitForExitAsync(Left(deadline), services.Clock, ct).ConfigureAwait(false))
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

    /// <summary>
    /// Waits up to <paramref name="share"/> for a guest that took guest-shutdown to go; one still
    /// there after <see cref="SecondRequestAfter"/> is asked again with <see cref="GuestPoweroff"/>.
    /// </summary>
    /// <returns>The result line once QEMU has exited, or null when the guest is still there.</returns>
    private async Task<string?> WaitThroughAgentAsync(Job job, QemuSession run, TimeSpan share, CancellationToken ct)
    {
        var until = services.Clock.GetUtcNow() + share;
        job.Report("waiting for the guest to shut down (asked through its agent)");
        if (await run.WaitForExitAsync(share < SecondRequestAfter ? share : SecondRequestAfter, services.Clock, ct).ConfigureAwait(false))
            return ThroughAgent;
        job.Report("asking the guest again through its agent (guest-exec)");
        var command = await GuestPoweroff.AskAsync(vm, run, Left(until), services.Clock, logger, ct).ConfigureAwait(false);
        if (command is not null)
            job.Report($"waiting for the guest to shut down (its agent ran '{command}')");
        if (!await run.WaitForExitAsync(Left(until), services.Clock, ct).ConfigureAwait(false))
            return null;
        return command is null ? ThroughAgent : ThroughAgentRunning(command);
    }

    private TimeSpan Left(DateTimeOffset until) => until - services.Clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

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
