using System.Net.Sockets;
using Nube.Core.Hosts;
using Nube.Core.Lifecycle;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Launch;
using Nube.Service.Vms.Devices;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>
/// Start: launch QEMU, connect, restore the saved memory when there is some, and optionally wait
/// for the guest agent. Cancelled or failed at any point, no QEMU is left and the VM is as it
/// was (off, or saved while its saved state has not been consumed).
/// </summary>
public sealed class StartOperation(IVmRun vm, VmServices services, ILogger logger)
{
    /// <summary>The host's limit for moving a VM's memory, in bytes per second.</summary>
    public static long Bandwidth(Core.Hosts.HostConfig host) => (long)host.MigrationBandwidthMiBps << 20;
    public static readonly TimeSpan SaveTimeout = TimeSpan.FromMinutes(10);

    public async Task RunAsync(Job job, VmConfig config, VmTransition transition, TimeSpan? agentWait, CancellationToken ct)
    {
        var restoring = transition.From == VmState.Saved;
        // A VM made before pinning gets its board by name at a start from off; a saved one is
        // restored into the unversioned type it was saved from, the same board on the same QEMU.
        if (!restoring && config.Machine is null && services.Host.Facts.Machines.Current(config.Generation) is { } current)
        {
            await vm.PinMachineAsync(current).ConfigureAwait(false);
            config = config with { Machine = current };
        }
        var (plan, accelerator) = await PlanAsync(config, incoming: restoring, restoring ? vm.Paths.SavedState : null, ct).ConfigureAwait(false);
        services.Admission.Take(config);

        vm.SetState(transition.During);
        var from = transition.From;
        IQemuProcess? process = null;
        try
        {
            process = await LaunchAsync(job, config, plan, accelerator, ct).ConfigureAwait(false);
            var run = await AttachLaunchedAsync(process, plan, accelerator, ct).ConfigureAwait(false);
            if (plan.RestoreFdSet is { } saved)
            {
                await RestoreAsync(job, run, saved, ct).ConfigureAwait(false);
                await UnpluggedLinksDownAsync(run, plan, ct).ConfigureAwait(false);
                from = VmState.Off;
            }
            else
            {
                await UnpluggedLinksDownAsync(run, plan, ct).ConfigureAwait(false);
                // Launched paused (-S) so that nothing the guest prints is missed: run it now.
                await run.Qmp.ContAsync(ct).ConfigureAwait(false);
            }
            vm.SetState(transition.Success);
            logger.LogInformation("VM {Name} is running (pid {Pid}, {Accelerator})", config.Name, process.Pid, accelerator);
        }
        catch (Exception e)
        {
            await AbandonAsync(process, from).ConfigureAwait(false);
            throw Describe(e, config.Name);
        }
        if (agentWait is { } wait)
            await WaitForAgentAsync(job, config.Name, wait, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A move's destination: QEMU launched waiting for the stream (<c>-incoming defer</c>), connected,
    /// the VM left incoming. Failed, no QEMU is left (the caller forgets the VM).
    /// </summary>
    public async Task<QemuSession> LaunchIncomingAsync(VmConfig config, CancellationToken ct)
    {
        var (plan, accelerator) = await PlanAsync(config, incoming: true, restoreFrom: null, ct).ConfigureAwait(false);
        services.Admission.Take(config);
        IQemuProcess? process = null;
        try
        {
            process = await LaunchAsync(null, config, plan, accelerator, ct).ConfigureAwait(false);
            return await AttachLaunchedAsync(process, plan, accelerator, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await AbandonAsync(process, VmState.Incoming).ConfigureAwait(false);
            throw Describe(e, config.Name);
        }
    }

    /// <summary>Every check of the host before QEMU is asked, then the launch plan.</summary>
    private async Task<(LaunchPlan Plan, Accelerator Accelerator)> PlanAsync(VmConfig config, bool incoming, string? restoreFrom, CancellationToken ct)
    {
        if (services.Host.QemuProblem is { } problem)
            throw new HostNotReadyException("QEMU is missing", $"Cannot start VM '{config.Name}': {problem}");
        if (services.Host.UserNetworkProblem is { } guard && config.NetworkAdapters.Any(n => n.Switch == NetworkAdapter.UserMode))
            throw new HostNotReadyException("User-mode networking is off on this host",
                $"Cannot start VM '{config.Name}': it has a user-mode network adapter, and user-mode networking is off on this host " +
                $"because the guard that keeps VMs from the host's own services is missing: {guard}");
        // The edition or the storage roots may have changed since the VM was created, and a link
        // inside a root may point outside it: QEMU opens these files before it drops privileges.
        var errors = VmValidator.Validate(config, services.Host.Edition, [], services.Switches.Names)
            .Concat(StorageRootRules.Check(HostPathLinks.Resolve(config), StorageRootRules.Roots(services.Options.DataDir, services.Host.Config),
                services.Options.DataDir, [.. services.Host.Config.PassthroughDevices.Select(d => Linux.UnixFiles.RealPath(d) ?? d)])).ToList();
        if (MachineRules.CheckHost(config, services.Host.Facts.Machines, services.Host.Facts.QemuVersion) is { } machine)
            errors.Add(machine);
        if (errors.Count > 0)
            throw new ValidationException(errors);
        var accelerator = AcceleratorResolver.Resolve(services.Host.Config.Accelerator, services.Host.Facts);
        var backing = await services.Disks.ReadChainsAsync(config, ct).ConfigureAwait(false);
        await services.Sharing.CheckAsync(config, backing, ct).ConfigureAwait(false);
        // Before QEMU is asked: its own error names a block node and /dev/fdset/N, not the file.
        await services.Disks.CheckImagesAsync(config, _ => true, ct).ConfigureAwait(false);
        return (QemuCommandBuilder.Build(config, new QemuLaunchContext(accelerator, vm.Paths, services.Options.Qemu, Incoming: incoming,
            Uefi: services.Host.Facts.Uefi, RestoreFrom: restoreFrom, Backing: backing)), accelerator);
    }

    /// <summary>Launches QEMU and records the run; not cancellable: a launch cut short could leave a QEMU nobody knows of.</summary>
    private async Task<IQemuProcess> LaunchAsync(Job? job, VmConfig config, LaunchPlan plan, Accelerator accelerator, CancellationToken ct)
    {
        job?.Report("launching QEMU");
        // It opens the VM's files and spawns QEMU, and takes some 50 ms.
        var process = await services.Qemu.LaunchAsync(vm.Id, plan, vm.Paths, vm.Marker, CancellationToken.None).ConfigureAwait(false);
        var running = RunningVm.Started(config, plan);
        await running.WriteAsync(vm.Paths.RunningState).ConfigureAwait(false);
        vm.Update(s => s with
        {
            ProcessId = process.Pid, StartedAt = process.StartedAt ?? services.Clock.GetUtcNow(), Accelerator = accelerator, Running = running,
        });
        job?.Report("connecting to QEMU");
        return process;
    }

    /// <summary>An adapter on no switch has its TAP on no bridge and its link down, as a cable pulled out.</summary>
    private static async Task UnpluggedLinksDownAsync(QemuSession run, LaunchPlan plan, CancellationToken ct)
    {
        foreach (var port in plan.Ports.Where(p => p.Switch is null))
        {
            var step = DevicePlan.SetLink(port.AdapterId, up: false);
            using var arguments = System.Text.Json.JsonDocument.Parse(step.Arguments.ToJsonString());
            await run.Qmp.ExecuteAsync(step.Command, arguments.RootElement.Clone(), ct: ct).ConfigureAwait(false);
        }
    }

    /// <summary>Connects to a running QEMU and makes it the VM's session.</summary>
    public async Task<QemuSession> AttachAsync(IQemuProcess process, Accelerator? accelerator, CancellationToken ct)
    {
        var agent = new GuestAgentSession(t => services.Qemu.ConnectAsync(vm.Paths.AgentSocket, t), services.Clock, logger)
        {
            Contact = at => vm.Update(s => s with { LastAgentContact = at }),
        };
        QemuSession run;
        try
        {
            run = await QemuSession.AttachAsync(services.Qemu, process, vm.Paths, accelerator, agent,
                vm.Snapshot.Config?.Com1.Log ?? false, logger, ct).ConfigureAwait(false);
        }
        catch
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        vm.Attach(run);
        vm.Update(s => s with { ProcessId = process.Pid, Accelerator = run.Accelerator, StartedAt = s.StartedAt ?? process.StartedAt });
        return run;
    }

    /// <summary>
    /// Attaches to a QEMU just launched. QEMU initialises after the launch returns: when it
    /// refused to start, its control socket closes, and the error says what QEMU said, about the
    /// disk's field and file where QEMU names a block node.
    /// </summary>
    private async Task<QemuSession> AttachLaunchedAsync(IQemuProcess process, LaunchPlan plan, Accelerator accelerator, CancellationToken ct)
    {
        try
        {
            return await AttachAsync(process, accelerator, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is QmpException or IOException or SocketException)
        {
            if (!await process.WaitForExitAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false))
                throw;
            throw new QemuLaunchException(services.Qemu.DescribeExit(process, vm.Paths) is { Length: > 0 } how
                ? LaunchErrors.Explain(how, plan) : "QEMU ended before it answered on its control socket.");
        }
    }

    /// <summary>Restores the saved memory from the fdset the launch passed it in (<c>file:/dev/fdset/N</c>).</summary>
    private async Task RestoreAsync(Job job, QemuSession run, int savedFdSet, CancellationToken ct)
    {
        job.Report("restoring memory", 0);
        await run.Qmp.MigrateSetParametersAsync(maxBandwidthBytesPerSecond: Bandwidth(services.Host.Config), ct: ct).ConfigureAwait(false);
        await run.Qmp.MigrateIncomingAsync($"file:/dev/fdset/{savedFdSet}", ct).ConfigureAwait(false);
        await run.Qmp.WaitForMigrationAsync(SaveTimeout, ct, info => job.Report("restoring memory", Percent(info))).ConfigureAwait(false);
        await run.Qmp.RemoveFdAsync(savedFdSet, ct).ConfigureAwait(false);
        // From here on the guest may run and its disks move on: the saved memory must never be
        // restored again, whatever happens next. Consumed first, then the processors resume.
        File.Delete(vm.Paths.SavedState);
        var status = await run.Qmp.QueryStatusAsync(CancellationToken.None).ConfigureAwait(false);
        if (!status.Running)
            await run.Qmp.ContAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Waits for the guest agent; a cancel turns the VM off, a timeout leaves it running.</summary>
    private async Task WaitForAgentAsync(Job job, string name, TimeSpan wait, CancellationToken ct)
    {
        job.Report("waiting for the guest agent");
        var run = vm.Session ?? throw new VmConflictException($"VM '{name}' stopped before its guest agent answered.");
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var answering = run.Agent.UseAsync(async (agent, t) =>
        {
            await agent.PingAsync(t).ConfigureAwait(false);
            return await agent.GetInfoAsync(t).ConfigureAwait(false);
        }, wait, gone.Token);
        try
        {
            if (await Task.WhenAny(answering, run.Qmp.Closed).ConfigureAwait(false) != answering)
            {
                // The agent of a QEMU that is gone never answers: the wait ends with QEMU's connection,
                // and the controller then handles QEMU's exit as it does any other (crash action).
                await gone.CancelAsync().ConfigureAwait(false);
                await ((Task)answering).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw new VmOperationFailedException("start", name,
                    new QmpDisconnectedException("QEMU closed its control connection before the guest agent answered."));
            }
            var info = await answering.ConfigureAwait(false);
            vm.Update(s => s with { AgentVersion = info.Version });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await AbandonAsync(run.Process, VmState.Off).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is GuestAgentException or GuestAgentBusyException or IOException or SocketException)
        {
            throw new GuestAgentNoAnswerException(
                $"VM '{name}' started, but its guest agent did not answer within {wait.TotalSeconds:0.#} s: {e.Message}");
        }
    }

    /// <summary>A start that did not finish leaves no QEMU behind and the VM as it was.</summary>
    private async Task AbandonAsync(IQemuProcess? process, VmState state)
    {
        if (vm.Session is { } run)
        {
            await run.KillAsync().ConfigureAwait(false);
        }
        else if (process is not null)
        {
            process.Kill();
            await process.WaitForExitAsync(QemuSession.ExitTimeout).ConfigureAwait(false);
            QemuSession.DeleteRuntimeDirectory(vm.Paths);
        }
        vm.ForgetRun();
        vm.SetState(state);
    }

    private static Exception Describe(Exception e, string name) => e switch
    {
        QemuLaunchException or QmpException or IOException or SocketException => new VmOperationFailedException("start", name, e),
        _ => e,
    };

    public static int? Percent(MigrationInfo info) =>
        info.Ram is { Total: > 0 } ram ? (int)Math.Min(100, ram.Transferred * 100 / ram.Total) : null;
}
