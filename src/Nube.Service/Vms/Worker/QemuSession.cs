using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Linux;
using Nube.Qemu.Launch;
using Nube.Qemu.Protocol;

namespace Nube.Service.Vms.Worker;

/// <summary>
/// One run of a VM's QEMU: the process, its QMP connection and the reader of its events, the
/// guest-agent session. Owned by the VM's controller, which alone calls it; events and the end
/// of the connection are handed back through the callbacks, to be queued as commands.
/// </summary>
public sealed class QemuSession
{
    public static readonly TimeSpan QmpConnectTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly VmRuntimePaths paths;
    private readonly ILogger logger;
    private Task monitor = Task.CompletedTask;

    private QemuSession(IQemuProcess process, QmpClient qmp, GuestAgentSession agent, SerialHub? serial, Accelerator accelerator,
        VmRuntimePaths paths, ILogger logger)
    {
        Process = process;
        Serial = serial;
        Qmp = qmp;
        Agent = agent;
        Accelerator = accelerator;
        this.paths = paths;
        this.logger = logger;
    }

    public IQemuProcess Process { get; }
    public QmpClient Qmp { get; }
    public GuestAgentSession Agent { get; }

    /// <summary>COM1; null when its socket could not be opened (the VM runs on without a console).</summary>
    public SerialHub? Serial { get; }
    public Accelerator Accelerator { get; }

    /// <summary>QEMU's reason in its last SHUTDOWN event (guest-shutdown, host-qmp-quit ...).</summary>
    public string? ShutdownReason { get; set; }

    /// <summary>Set once Nube itself ends QEMU, so that its exit is not taken for a crash.</summary>
    public bool ExitExpected { get; private set; }

    /// <summary>
    /// Connects to a QEMU that runs (just launched, or found again after a restart of the host
    /// service). <paramref name="accelerator"/> null asks QEMU which one it uses.
    /// <paramref name="keepLog"/> writes COM1's output to the VM's capped console log.
    /// </summary>
    public static async Task<QemuSession> AttachAsync(IQemuHost host, IQemuProcess process, VmRuntimePaths paths,
        Accelerator? accelerator, GuestAgentSession agent, bool keepLog, ILogger logger, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QmpConnectTimeout);
        var stream = await host.ConnectAsync(paths.QmpSocket, timeout.Token).ConfigureAwait(false);
        var qmp = await QmpClient.ConnectAsync(stream, logger, timeout.Token).ConfigureAwait(false);
        try
        {
            accelerator ??= await AskAcceleratorAsync(qmp, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await qmp.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var serial = await OpenSerialAsync(host, paths, keepLog, logger, timeout.Token).ConfigureAwait(false);
        return new QemuSession(process, qmp, agent, serial, accelerator.Value, paths, logger);
    }

    private static async Task<SerialHub?> OpenSerialAsync(IQemuHost host, VmRuntimePaths paths, bool keepLog, ILogger logger, CancellationToken ct)
    {
        try
        {
            var stream = await host.ConnectAsync(paths.SerialSocket, ct).ConfigureAwait(false);
            return new SerialHub(stream, keepLog ? OpenLog(paths, logger) : null, logger);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning("Cannot open the VM's serial console at {Socket}: {Error}", paths.SerialSocket, e.Message);
            return null;
        }
    }

    /// <summary>The console's log; without it (it cannot be opened, e.g. a link is in its place) the console still works.</summary>
    private static RotatingLog? OpenLog(VmRuntimePaths paths, ILogger logger)
    {
        try
        {
            return new RotatingLog(paths.SerialLog);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot open the VM's serial log {Log}: {Error}; the console goes on without it", paths.SerialLog, e.Message);
            return null;
        }
    }

    private static async Task<Accelerator> AskAcceleratorAsync(QmpClient qmp, CancellationToken ct)
    {
        var kvm = await qmp.QueryKvmAsync(ct).ConfigureAwait(false);
        return kvm.Enabled ? Accelerator.Kvm : Accelerator.Tcg;
    }

    /// <summary>Starts reading QEMU's events; <paramref name="ended"/> runs when the connection closes.</summary>
    public void Monitor(Action<QmpEvent> onEvent, Action ended)
    {
        monitor = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in Qmp.Events.ConfigureAwait(false))
                    onEvent(e);
            }
            catch (Exception e) when (e is QmpException or ObjectDisposedException or IOException)
            {
                logger.LogDebug("QMP event stream ended: {Error}", e.Message);
            }
            ended();
        });
    }

    /// <summary>
    /// Waits for QEMU to exit by itself (the guest powered off): its QMP connection closes, then
    /// the process goes. False when it still runs at the deadline.
    /// </summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + timeout;
        await Task.WhenAny(Qmp.Closed, Task.Delay(timeout, clock, ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        var left = deadline - clock.GetUtcNow();
        return await Process.WaitForExitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, ct).ConfigureAwait(false);
    }

    /// <summary>Ends QEMU on Nube's behalf: quit over QMP, else kill; then forgets it.</summary>
    public async Task EndAsync()
    {
        ExitExpected = true;
        var quit = true;
        try
        {
            await Qmp.QuitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (QmpException e)
        {
            logger.LogWarning("quit failed: {Error}; killing QEMU (pid {Pid})", e.Message, Process.Pid);
            quit = false;
        }
        if (!quit || !await Process.WaitForExitAsync(ExitTimeout).ConfigureAwait(false))
        {
            Process.Kill();
            await Process.WaitForExitAsync(ExitTimeout).ConfigureAwait(false);
        }
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Kills QEMU at once (a start abandoned, a turn-off after quit failed) and forgets it.</summary>
    public async Task KillAsync()
    {
        ExitExpected = true;
        Process.Kill();
        await Process.WaitForExitAsync(ExitTimeout).ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Drops the connections and the runtime folder of a QEMU that is gone.</summary>
    public async Task CloseAsync()
    {
        await Qmp.DisposeAsync().ConfigureAwait(false);
        await Agent.DisposeAsync().ConfigureAwait(false);
        if (Serial is not null)
            await Serial.DisposeAsync().ConfigureAwait(false);
        await monitor.ConfigureAwait(false);
        DeleteRuntimeDirectory(paths);
    }

    public static void DeleteRuntimeDirectory(VmRuntimePaths paths)
    {
        if (Directory.Exists(paths.RuntimeDirectory))
            Directory.Delete(paths.RuntimeDirectory, recursive: true);
    }
}
