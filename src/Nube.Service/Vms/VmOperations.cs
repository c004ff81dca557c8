using Nube.Qemu.Launch;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>
/// The lifecycle operations and the reactions to QEMU's own events, run on the controller's
/// loop. Each operation enters the lifecycle table's During state and leaves in its Success
/// state; on failure or cancel it unwinds to the safe state its kind documents.
/// </summary>
public sealed class VmOperations(IVmRun vm, VmServices services, ILogger logger)
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);
    private readonly StartOperation start = new(vm, services, logger);
    private readonly SaveOperation save = new(vm, services, logger);
    private readonly StopOperation stop = new(vm, services, logger);
    private string? lastIoError;

    /// <returns>The job's one-line result, when there is more to say than that it completed.</returns>
    public async Task<string?> RunAsync(Job job, VmOperation operation, TimeSpan? agentWait, CancellationToken ct)
    {
        var now = vm.Snapshot;
        if (now.Config is null)
            throw new VmConflictException($"VM {vm.Id} is broken: {now.BrokenReason}");
        // A turn-off queued behind jobs it cancelled finds the VM already off (or saved): done.
        if (operation == VmOperation.TurnOff && VmLifecycle.IsIdle(now.State))
            return null;
        var transition = VmLifecycle.Begin(now.State, operation, now.Name);
        switch (operation)
        {
            case VmOperation.Start:
                await start.RunAsync(job, now.Config, transition, agentWait, ct).ConfigureAwait(false);
                break;
            case VmOperation.Save:
                await save.RunAsync(job, RequireSession(now), transition, ct).ConfigureAwait(false);
                break;
            case VmOperation.Stop:
                return await stop.RunAsync(job, RequireSession(now), transition, EndAsync, ct).ConfigureAwait(false);
            case VmOperation.TurnOff:
                vm.SetState(transition.During);
                job.Report("turning off");
                await EndAsync(transition.Success).ConfigureAwait(false);
                break;
            case VmOperation.Pause:
                await QmpStepAsync("pause", now, q => q.StopAsync(ct)).ConfigureAwait(false);
                vm.SetState(transition.Success);
                break;
            case VmOperation.Resume:
                await QmpStepAsync("resume", now, q => q.ContAsync(ct)).ConfigureAwait(false);
                vm.SetState(transition.Success);
                // The guest's clock stood still while it was paused.
                vm.GuestIntegration.RequestTimeSync();
                break;
        }
        return null;
    }

    /// <summary>Ends the VM's QEMU (quit, else kill) and settles the state it leaves.</summary>
    public async Task EndAsync(VmState state, string? reason = null)
    {
        if (vm.Session is { } run)
        {
            await run.EndAsync().ConfigureAwait(false);
        }
        else if (services.Qemu.Find(vm.Id, vm.Paths, vm.Marker, out _) is { } unattached)
        {
            // Reattached without a control connection: QEMU runs all the same, and only its pid can end it.
            unattached.Kill();
            await unattached.WaitForExitAsync(QemuSession.ExitTimeout).ConfigureAwait(false);
            QemuSession.DeleteRuntimeDirectory(vm.Paths);
        }
        vm.ForgetRun();
        vm.SetState(state, reason);
    }

    /// <summary>
    /// STOP and RESUME may come from the guest or QEMU (an I/O error pauses it), or echo Nube's own
    /// pause and resume. One that disagrees with the VM's state is checked with QEMU, which is the truth.
    /// </summary>
    public async Task OnQemuEventAsync(QemuSession run, QmpEvent e)
    {
        var state = vm.Snapshot.State;
        switch (e.Name)
        {
            case "SHUTDOWN":
                run.ShutdownReason = e.Data.TryGetProperty("reason", out var r) ? GuestText.Sanitize(r.GetString() ?? "unknown") : "unknown";
                break;
            // QEMU sends it before the STOP that a werror=stop device asks for, which then has its
            // reason; one whose request a resume since retried with success changes nothing.
            case "BLOCK_IO_ERROR" when Text(e, "action") == "stop" && (vm.Snapshot.Running?.Config ?? vm.Snapshot.Config) is { } config:
                lastIoError = DiskIoError.Describe(config, Text(e, "node-name"), Text(e, "operation"),
                    e.Data.TryGetProperty("nospace", out var full) && full.ValueKind == System.Text.Json.JsonValueKind.True, Text(e, "reason"));
                await SettleAsync(run, e.Name).ConfigureAwait(false);
                break;
            case "STOP" when state == VmState.Running:
            case "RESUME" when state == VmState.Paused:
                await SettleAsync(run, e.Name).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The VM's state as QEMU reports it; paused by a failed write ("io-error"), with the write's reason.</summary>
    private async Task SettleAsync(QemuSession run, string seen)
    {
        try
        {
            var status = await run.Qmp.QueryStatusAsync().ConfigureAwait(false);
            vm.SetState(status.Running ? VmState.Running : VmState.Paused,
                status.Status == "io-error" ? lastIoError ?? DiskIoError.Unknown : vm.Snapshot.StateReason);
        }
        catch (QmpException ex)
        {
            logger.LogDebug("query-status after {Event} failed: {Error}", seen, ex.Message);
        }
    }

    /// <summary>A string of an event's data, made safe: a QEMU the guest took over may say anything.</summary>
    private static string Text(QmpEvent e, string name) =>
        e.Data.ValueKind == System.Text.Json.JsonValueKind.Object && e.Data.TryGetProperty(name, out var value)
        && value.ValueKind == System.Text.Json.JsonValueKind.String ? GuestText.Sanitize(value.GetString()) : "";

    /// <summary>QEMU's connection closed while nothing asked for it: the guest powered off, or QEMU died.</summary>
    public async Task OnQemuGoneAsync(QemuSession run)
    {
        // QEMU closes its control socket as it exits: a short grace tells an exit from a broken
        // connection without holding up this VM's commands (a turn-off) for long.
        if (!await run.Process.WaitForExitAsync(ExitGrace).ConfigureAwait(false))
        {
            // The control connection broke but QEMU lives on: the operator decides (turn off),
            // and an exit that comes later still ends the VM.
            logger.LogError("Lost the QMP connection of VM {Name}, whose QEMU (pid {Pid}) still runs", vm.Snapshot.Name, run.Process.Pid);
            vm.SetState(vm.Snapshot.State, "The host service lost QEMU's control connection; turn the VM off.");
            vm.WatchExit(run);
            return;
        }
        // A move owns the VM's fate: the move ends it (and a crash restart could run it on both hosts).
        if (vm.Snapshot.State is VmState.Migrating or VmState.Incoming)
        {
            await EndAsync(vm.Snapshot.State, $"QEMU exited during the move.{Ending(run.Process)}").ConfigureAwait(false);
            return;
        }
        var guestShutdown = run.ShutdownReason is { } why && why.StartsWith("guest", StringComparison.Ordinal);
        var reason = guestShutdown ? "The guest shut down."
            : $"QEMU exited unexpectedly{(run.ShutdownReason is { } sr ? $" (shutdown reason: {sr})" : "")}.{Ending(run.Process)}";
        await EndAsync(VmState.Off, reason).ConfigureAwait(false);
        if (!guestShutdown && vm.Snapshot.Config?.CrashAction == CrashAction.Restart)
            vm.ScheduleStart(TimeSpan.Zero, "its QEMU exited and its crash action is restart");
    }

    /// <summary>How the host saw QEMU end (" QEMU was killed by signal 9."), when it knows.</summary>
    private string Ending(IQemuProcess process) => services.Qemu.DescribeExit(process, vm.Paths) is { Length: > 0 } how ? $" {how}" : "";

    /// <summary>Finds the VM's QEMU by pidfile and reconnects; returns true when the VM had been running.</summary>
    public async Task<bool> ReattachAsync()
    {
        var process = services.Qemu.Find(vm.Id, vm.Paths, vm.Marker, out var pidFileFound);
        var idle = File.Exists(vm.Paths.SavedState) ? VmState.Saved : VmState.Off;
        if (process is null)
        {
            QemuSession.DeleteRuntimeDirectory(vm.Paths);
            vm.SetState(idle, pidFileFound ? "QEMU exited while the host service was down." : null);
            return pidFileFound;
        }
        services.Admission.Hold(vm.Id, vm.Snapshot.Config);
        // What this QEMU runs with, as its start (and the hot plugs since) wrote it; a QEMU started
        // by a Nube before running states runs what the stored configuration says.
        var running = RunningVm.Read(vm.Paths.RunningState) ?? (vm.Snapshot.Config is { } config ? new RunningVm { Config = config } : null);
        vm.Update(s => s with { ProcessId = process.Pid, StartedAt = process.StartedAt, Running = running });
        try
        {
            var run = await start.AttachAsync(process, accelerator: null, CancellationToken.None).ConfigureAwait(false);
            var status = await run.Qmp.QueryStatusAsync().ConfigureAwait(false);
            if (await FinishInterruptedStartAsync(run, status.Status, idle).ConfigureAwait(false))
                return false;
            // The BLOCK_IO_ERROR that named the disk went to the host service that stopped.
            vm.SetState(status.Running ? VmState.Running : VmState.Paused, status.Status == "io-error" ? DiskIoError.Unknown : null);
            logger.LogInformation("Reattached to VM {Name} (pid {Pid}, {Status})", vm.Snapshot.Name, process.Pid, status.Status);
        }
        catch (Exception e) when (e is QmpException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            vm.SetState(VmState.Running, $"QEMU (pid {process.Pid}) runs but its control socket does not answer: {e.Message}");
        }
        return false;
    }

    /// <summary>
    /// A QEMU whose start the host service did not finish (it stopped in between): one that never
    /// ran (prelaunch) is let run, as its start asked; one still waiting for its saved memory
    /// (inmigrate) is ended, its saved state kept for the next start. Nobody asked for either pause.
    /// </summary>
    /// <returns>True when the VM was settled here.</returns>
    private async Task<bool> FinishInterruptedStartAsync(QemuSession run, string status, VmState idle)
    {
        if (status == "prelaunch")
        {
            await run.Qmp.ContAsync().ConfigureAwait(false);
            vm.SetState(VmState.Running, "The host service restarted while it started the VM; the start was finished.");
            logger.LogInformation("VM {Name} was left before its processors ran by a host service that stopped; it runs now", vm.Snapshot.Name);
            return true;
        }
        if (status == "inmigrate")
        {
            await EndAsync(idle, "The host service restarted while it restored the VM's saved memory; the VM is " +
                (idle == VmState.Saved ? "saved again, its saved state kept." : "off.")).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private QemuSession RequireSession(VmSnapshot now) => vm.Session ?? throw new VmConflictException(
        $"VM '{now.Name}': its QEMU (pid {now.ProcessId}) does not answer on its control socket; turn it off.");

    /// <summary>One QMP command of an operation; QEMU's refusal is reported with its words.</summary>
    private async Task QmpStepAsync(string verb, VmSnapshot now, Func<QmpClient, Task> step)
    {
        var run = RequireSession(now);
        try
        {
            await step(run.Qmp).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            throw new VmOperationFailedException(verb, now.Name, e);
        }
    }
}
