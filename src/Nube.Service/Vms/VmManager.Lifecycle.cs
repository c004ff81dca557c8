using Nube.Core.Editions;
using Nube.Core.Hosts;
using Nube.Core.Lifecycle;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Qemu.Launch;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms;

public sealed partial class VmManager
{
    private static readonly TimeSpan QmpConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SaveTimeout = TimeSpan.FromMinutes(10);
    /// <summary>QEMU's default 128 MiB/s would dominate a save to a local file.</summary>
    private const long SaveBandwidthBytesPerSecond = 8L << 30;

    public async Task StartAsync(VmEntry entry, CancellationToken ct)
    {
        await entry.OperationLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var config = entry.Config ?? throw Broken(entry);
            var from = entry.State;
            Begin(entry, VmOperation.Start);
            if (host.QemuProblem is { } problem)
                throw new VmOperationException(StatusCodes.Status503ServiceUnavailable, "QEMU is missing", $"Cannot start VM '{entry.Name}': {problem}");
            var errors = VmValidator.Validate(config, host.Edition, OtherNames(entry.Id));
            if (errors.Count > 0)
                throw new ValidationException(errors);
            if (HostValidator.CheckRunningVms(RunningCount, host.Edition) is { } limit)
                throw new ValidationException([limit]);
            var accelerator = AcceleratorResolver.Resolve(host.Config.Accelerator, host.Facts);
            var restoring = from == VmState.Saved;
            var plan = QemuCommandBuilder.Build(config, new QemuLaunchContext(accelerator, entry.Paths, options.Qemu,
                string.IsNullOrEmpty(options.QemuUser) ? null : options.QemuUser, Incoming: restoring));

            SetState(entry, VmState.Starting, null);
            try
            {
                PrepareVmDirectory(entry);
                entry.ShutdownReason = null;
                entry.ExitExpected = false;
                var process = await launcher.LaunchAsync(plan, entry.Paths, entry.Marker, ct).ConfigureAwait(false);
                entry.Process = process;
                var qmp = await ConnectQmpAsync(entry, ct).ConfigureAwait(false);
                if (restoring)
                    await RestoreAsync(entry, qmp, ct).ConfigureAwait(false);
                entry.Accelerator = accelerator;
                entry.StartedAt = process.StartedAt ?? DateTimeOffset.UtcNow;
                SetState(entry, VmState.Running, null);
                logger.LogInformation("VM {Name} is running (pid {Pid}, {Accel})", entry.Name, process.Pid, accelerator);
            }
            catch (Exception e)
            {
                await AbandonStartAsync(entry, from).ConfigureAwait(false);
                if (e is QemuLaunchException or QmpException)
                    throw new VmOperationException(StatusCodes.Status422UnprocessableEntity, "The VM could not start",
                        $"Cannot start VM '{entry.Name}': {e.Message}", e);
                throw;
            }
        }
        finally
        {
            entry.OperationLock.Release();
        }
    }

    /// <summary>QEMU writes the saved state as its unprivileged user: it must own the VM's folder.</summary>
    private void PrepareVmDirectory(VmEntry entry)
    {
        Directory.CreateDirectory(entry.Paths.VmDirectory);
        if (string.IsNullOrEmpty(options.QemuUser))
            return;
        var user = UnixFiles.LookupUser(options.QemuUser) ?? throw new VmOperationException(
            StatusCodes.Status503ServiceUnavailable, "The QEMU user is missing",
            $"Cannot start VM '{entry.Name}': the user '{options.QemuUser}' that QEMU runs as does not exist; run scripts/install-deps.sh or pass --qemu-user.");
        UnixFiles.Chown(entry.Paths.VmDirectory, user.Uid, user.Gid);
        if (UnixFiles.FirstUntraversableAncestor(entry.Paths.VmDirectory) is { } blocked)
            throw new VmOperationException(StatusCodes.Status503ServiceUnavailable, "QEMU cannot reach the VM's folder",
                $"Cannot start VM '{entry.Name}': QEMU runs as '{options.QemuUser}', which cannot enter '{blocked}' " +
                "to write the VM's saved state; allow it (chmod o+x) or choose another --data-dir.");
    }

    private async Task RestoreAsync(VmEntry entry, QmpClient qmp, CancellationToken ct)
    {
        var saved = store.SavedStatePath(entry.Id);
        await qmp.MigrateSetParametersAsync(maxBandwidthBytesPerSecond: SaveBandwidthBytesPerSecond, ct: ct).ConfigureAwait(false);
        await qmp.MigrateIncomingAsync($"file:{saved}", ct).ConfigureAwait(false);
        await qmp.WaitForMigrationAsync(SaveTimeout, ct).ConfigureAwait(false);
        var status = await qmp.QueryStatusAsync(ct).ConfigureAwait(false);
        if (!status.Running)
            await qmp.ContAsync(ct).ConfigureAwait(false);
        File.Delete(saved);
    }

    /// <summary>A start that failed leaves no QEMU behind and the VM as it was.</summary>
    private async Task AbandonStartAsync(VmEntry entry, VmState from)
    {
        entry.ExitExpected = true;
        if (entry.Process is { } process)
        {
            process.Kill();
            await process.WaitForExitAsync(ExitTimeout).ConfigureAwait(false);
        }
        await DetachAsync(entry).ConfigureAwait(false);
        SetState(entry, from, null);
    }

    public async Task StopAsync(VmEntry entry, CancellationToken ct)
    {
        await LockedAsync(entry, async () =>
        {
            Begin(entry, VmOperation.Stop);
            SetState(entry, VmState.Stopping, null);
            await Qmp(entry).SystemPowerdownAsync(ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        // The wait runs outside the lock so that a turn-off can cut it short, as in Hyper-V.
        var deadline = DateTime.UtcNow.AddSeconds(host.Config.StopTimeoutSeconds);
        while (CurrentState(entry) == VmState.Stopping && DateTime.UtcNow < deadline)
            await Task.Delay(50, ct).ConfigureAwait(false);
        if (CurrentState(entry) == VmState.Stopping)
        {
            logger.LogWarning("VM {Name} did not shut down within {Seconds} s; turning it off", entry.Name, host.Config.StopTimeoutSeconds);
            await TurnOffAsync(entry, ct).ConfigureAwait(false);
            lock (entry.Sync)
                entry.StateReason = $"The guest did not shut down within {host.Config.StopTimeoutSeconds} s, so it was turned off.";
        }
    }

    public Task TurnOffAsync(VmEntry entry, CancellationToken ct) => LockedAsync(entry, async () =>
    {
        Begin(entry, VmOperation.TurnOff);
        SetState(entry, VmState.Stopping, null);
        await EndQemuAsync(entry, ct).ConfigureAwait(false);
        SetState(entry, VmState.Off, null);
    }, ct);

    public Task PauseAsync(VmEntry entry, CancellationToken ct) => LockedAsync(entry, async () =>
    {
        Begin(entry, VmOperation.Pause);
        await Qmp(entry).StopAsync(ct).ConfigureAwait(false);
        SetState(entry, VmState.Paused, null);
    }, ct);

    public Task ResumeAsync(VmEntry entry, CancellationToken ct) => LockedAsync(entry, async () =>
    {
        Begin(entry, VmOperation.Resume);
        await Qmp(entry).ContAsync(ct).ConfigureAwait(false);
        SetState(entry, VmState.Running, null);
    }, ct);

    /// <summary>Saves memory and device state to the VM's folder; QEMU then exits (Hyper-V's Save).</summary>
    public async Task SaveAsync(VmEntry entry, CancellationToken ct)
    {
        await entry.OperationLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var from = entry.State;
            Begin(entry, VmOperation.Save);
            var qmp = Qmp(entry);
            SetState(entry, VmState.Saving, null);
            var saved = store.SavedStatePath(entry.Id);
            var partial = saved + ".partial";
            try
            {
                await qmp.StopAsync(ct).ConfigureAwait(false);
                await qmp.MigrateSetParametersAsync(maxBandwidthBytesPerSecond: SaveBandwidthBytesPerSecond, ct: ct).ConfigureAwait(false);
                await qmp.MigrateAsync($"file:{partial}", ct).ConfigureAwait(false);
                await qmp.WaitForMigrationAsync(SaveTimeout, ct).ConfigureAwait(false);
            }
            catch (QmpException e)
            {
                File.Delete(partial);
                if (from == VmState.Running)
                    await qmp.ContAsync(CancellationToken.None).ConfigureAwait(false);
                SetState(entry, from, null);
                throw new VmOperationException(StatusCodes.Status500InternalServerError, "The VM could not be saved",
                    $"Cannot save VM '{entry.Name}': {e.Message}", e);
            }
            File.Move(partial, saved, overwrite: true);
            await EndQemuAsync(entry, ct).ConfigureAwait(false);
            SetState(entry, VmState.Saved, null);
        }
        finally
        {
            entry.OperationLock.Release();
        }
    }

    /// <summary>Ends QEMU on Nube's behalf: quit over QMP, else kill; then forget the process.</summary>
    private async Task EndQemuAsync(VmEntry entry, CancellationToken ct)
    {
        entry.ExitExpected = true;
        if (entry.Qmp is { } qmp)
        {
            try
            {
                await qmp.QuitAsync(ct).ConfigureAwait(false);
            }
            catch (QmpException e)
            {
                logger.LogWarning("quit failed for VM {Name}: {Error}; killing QEMU", entry.Name, e.Message);
            }
        }
        if (entry.Process is { } process && !await process.WaitForExitAsync(ExitTimeout, ct).ConfigureAwait(false))
        {
            process.Kill();
            await process.WaitForExitAsync(ExitTimeout, ct).ConfigureAwait(false);
        }
        await DetachAsync(entry).ConfigureAwait(false);
    }

    /// <summary>Drops the QMP connection and the runtime folder of a QEMU that is gone.</summary>
    private static async Task DetachAsync(VmEntry entry)
    {
        if (entry.Qmp is { } qmp)
            await qmp.DisposeAsync().ConfigureAwait(false);
        lock (entry.Sync)
        {
            entry.Qmp = null;
            entry.Process = null;
            entry.Accelerator = null;
            entry.StartedAt = null;
        }
        if (Directory.Exists(entry.Paths.RuntimeDirectory))
            Directory.Delete(entry.Paths.RuntimeDirectory, recursive: true);
    }

    /// <summary>Runs one operation on the VM while holding its operation lock.</summary>
    private static async Task LockedAsync(VmEntry entry, Func<Task> operation, CancellationToken ct)
    {
        await entry.OperationLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await operation().ConfigureAwait(false);
        }
        finally
        {
            entry.OperationLock.Release();
        }
    }

    private static void Begin(VmEntry entry, VmOperation operation)
    {
        try
        {
            VmLifecycle.Begin(entry.State, operation);
        }
        catch (VmStateException e)
        {
            var allowed = string.Join(" or ", e.Allowed.Select(SettingsMapper.Name));
            throw new VmOperationException(StatusCodes.Status409Conflict, "The VM's state does not allow this",
                $"Cannot {OperationWord(operation)} VM '{entry.Name}': it is {SettingsMapper.Name(entry.State)}; {OperationWord(operation)} needs {allowed}.", e);
        }
    }

    public static string OperationWord(VmOperation operation) => operation switch
    {
        VmOperation.TurnOff => "turn off",
        _ => operation.ToString().ToLowerInvariant(),
    };

    private static QmpClient Qmp(VmEntry entry) => entry.Qmp ?? throw new VmOperationException(
        StatusCodes.Status503ServiceUnavailable, "QEMU does not answer",
        $"VM '{entry.Name}': its QEMU (pid {entry.Process?.Pid}) does not answer on its control socket; turn it off.");

    private static VmState CurrentState(VmEntry entry)
    {
        lock (entry.Sync)
            return entry.State;
    }

    private static void SetState(VmEntry entry, VmState state, string? reason)
    {
        lock (entry.Sync)
        {
            entry.State = state;
            entry.StateReason = reason;
        }
    }
}
