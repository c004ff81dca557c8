using Nube.Core.Vms;
using Nube.Qemu.Launch;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms;

public sealed partial class VmManager
{
    private async Task<QmpClient> ConnectQmpAsync(VmEntry entry, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QmpConnectTimeout);
        var stream = await UnixSocket.ConnectAsync(entry.Paths.QmpSocket, timeout.Token).ConfigureAwait(false);
        var qmp = await QmpClient.ConnectAsync(stream, logger, timeout.Token).ConfigureAwait(false);
        entry.Qmp = qmp;
        _ = MonitorAsync(entry, qmp);
        return qmp;
    }

    /// <summary>
    /// Follows one QEMU's events until its QMP connection closes. A close that Nube did not ask
    /// for is the VM ending on its own: the guest powered off, or QEMU died.
    /// </summary>
    private async Task MonitorAsync(VmEntry entry, QmpClient qmp)
    {
        try
        {
            await foreach (var e in qmp.Events.ConfigureAwait(false))
                OnEvent(entry, e);
        }
        catch (Exception e) when (e is QmpException or ObjectDisposedException or IOException)
        {
            logger.LogDebug("QMP event stream of VM {Name} ended: {Error}", entry.Name, e.Message);
        }
        await OnQemuGoneAsync(entry, qmp).ConfigureAwait(false);
    }

    private void OnEvent(VmEntry entry, QmpEvent e)
    {
        lock (entry.Sync)
        {
            switch (e.Name)
            {
                // The guest or QEMU itself paused (e.g. an I/O error); Nube's own pause has set the state already.
                case "STOP" when entry.State == VmState.Running:
                    entry.State = VmState.Paused;
                    break;
                case "RESUME" when entry.State == VmState.Paused:
                    entry.State = VmState.Running;
                    break;
                case "SHUTDOWN":
                    entry.ShutdownReason = e.Data.TryGetProperty("reason", out var r) ? r.GetString() : "unknown";
                    break;
            }
        }
    }

    private async Task OnQemuGoneAsync(VmEntry entry, QmpClient qmp)
    {
        await entry.OperationLock.WaitAsync().ConfigureAwait(false);
        bool restart;
        try
        {
            if (!ReferenceEquals(entry.Qmp, qmp) || entry.ExitExpected)
                return;
            if (entry.Process is { } process && !await process.WaitForExitAsync(ExitTimeout).ConfigureAwait(false))
            {
                // The control connection broke but QEMU lives on: leave it to the operator's turn-off.
                logger.LogError("Lost the QMP connection of VM {Name}, whose QEMU (pid {Pid}) still runs", entry.Name, process.Pid);
                lock (entry.Sync)
                {
                    entry.Qmp = null;
                    entry.StateReason = "The host service lost QEMU's control connection; turn the VM off.";
                }
                return;
            }
            var stopping = CurrentState(entry) == VmState.Stopping;
            var guestShutdown = entry.ShutdownReason is { } r && r.StartsWith("guest", StringComparison.Ordinal);
            restart = !stopping && !guestShutdown && entry.Config?.CrashAction == CrashAction.Restart;
            await DetachAsync(entry).ConfigureAwait(false);
            var reason = stopping ? null
                : guestShutdown ? "The guest shut down."
                : $"QEMU exited unexpectedly{(entry.ShutdownReason is { } sr ? $" (shutdown reason: {sr})" : "")}.";
            SetState(entry, VmState.Off, reason);
            if (reason is not null)
                logger.LogWarning("VM {Name} is off: {Reason}", entry.Name, reason);
        }
        finally
        {
            entry.OperationLock.Release();
        }
        if (restart)
        {
            logger.LogWarning("Restarting VM {Name} after its QEMU exited (crash action: restart)", entry.Name);
            _ = AutomaticStartAsync(entry);
        }
    }

    /// <summary>
    /// After the service restarts: finds the VM's QEMU by pidfile and QMP socket. Returns true
    /// when the VM had been running but its QEMU died while the service was down.
    /// </summary>
    private async Task<bool> ReattachAsync(VmEntry entry, CancellationToken ct)
    {
        var saved = File.Exists(store.SavedStatePath(entry.Id));
        var idle = saved ? VmState.Saved : VmState.Off;
        if (!File.Exists(entry.Paths.PidFile) || !int.TryParse(File.ReadAllText(entry.Paths.PidFile).Trim(), out var pid))
        {
            // A runtime folder without a usable pidfile (stale sockets) belongs to nothing.
            await DetachAsync(entry).ConfigureAwait(false);
            SetState(entry, idle, null);
            return false;
        }
        var process = new QemuProcess(pid, entry.Marker);
        if (!process.IsAlive)
        {
            await DetachAsync(entry).ConfigureAwait(false);
            SetState(entry, idle, "QEMU exited while the host service was down.");
            logger.LogWarning("VM {Name}: QEMU (pid {Pid}) exited while the host service was down", entry.Name, pid);
            return true;
        }
        entry.Process = process;
        entry.StartedAt = process.StartedAt;
        try
        {
            var qmp = await ConnectQmpAsync(entry, ct).ConfigureAwait(false);
            var status = await qmp.QueryStatusAsync(ct).ConfigureAwait(false);
            SetState(entry, status.Running ? VmState.Running : VmState.Paused, null);
            entry.Accelerator = host.Facts.KvmUsable && File.ReadAllText($"/proc/{pid}/cmdline").Contains("kvm")
                ? Core.Hosts.Accelerator.Kvm : Core.Hosts.Accelerator.Tcg;
            logger.LogInformation("Reattached to VM {Name} (pid {Pid}, {Status})", entry.Name, pid, status.Status);
        }
        catch (Exception e) when (e is QmpException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            SetState(entry, VmState.Running, $"QEMU (pid {pid}) runs but its control socket does not answer: {e.Message}");
            logger.LogError("VM {Name}: cannot reattach to QEMU pid {Pid}: {Error}", entry.Name, pid, e.Message);
        }
        return false;
    }
}
