using Nube.Qemu.Protocol;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Integration;

/// <summary>
/// The agent's second way to shut a guest down, for a guest that took guest-shutdown and stayed.
/// qemu-ga's guest-shutdown runs <c>shutdown -P +0</c>, which systemd hands to logind over the
/// D-Bus system bus: a guest without D-Bus or logind (a minimal Debian) refuses it, and its systemd
/// ignores the ACPI button too. <c>systemctl poweroff</c> reaches systemd over its private socket
/// without either; <c>/sbin/poweroff</c> serves systems without systemctl. Both run with guest-exec,
/// and only where the guest's agent enables it: a guest that blocks guest-exec is left to the power
/// button.
/// </summary>
public static class GuestPoweroff
{
    /// <summary>Tried in order; the first that exits 0 has asked the guest to power off.</summary>
    /// <remarks>
    /// systemctl by name, since it lives in /bin or /usr/bin (qemu-ga searches its PATH);
    /// poweroff by the path qemu-ga's own guest-shutdown uses for shutdown.
    /// </remarks>
    public static readonly IReadOnlyList<(string Program, string[] Arguments)> Programs =
        [("systemctl", ["poweroff"]), ("/sbin/poweroff", [])];

    /// <summary>
    /// How long one program may take: systemctl poweroff returns once systemd has queued the job,
    /// in well under a second under TCG; one that takes longer is hanging (on a bus, say).
    /// </summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Asks the guest, within <paramref name="wait"/>, to power off with the first of <see cref="Programs"/> that works.</summary>
    /// <returns>
    /// The command line the guest took (e.g. <c>systemctl poweroff</c>), or null when its agent
    /// blocks guest-exec, every program failed, or the agent did not answer in time.
    /// </returns>
    public static async Task<string?> AskAsync(IVmRun vm, QemuSession run, TimeSpan wait, TimeProvider clock, ILogger logger,
        CancellationToken ct)
    {
        var name = vm.Snapshot.Name;
        using var limit = new CancellationTokenSource(wait, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
        string? running = null;
        var asking = AskEachAsync(run, name, line => running = line, logger, linked.Token);
        if (await Task.WhenAny(asking, run.Qmp.Closed).ConfigureAwait(false) != asking)
        {
            // QEMU exited, so the guest powered off, while its agent was still being asked: a guest
            // going down stops its agent, often before the agent reports the program's exit.
            await linked.CancelAsync().ConfigureAwait(false);
            await ((Task)asking).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return running;
        }
        try
        {
            return await asking.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            logger.LogInformation("VM {Name}: its guest agent did not take a power-off within {Seconds} s", name, wait.TotalSeconds);
            return null;
        }
        catch (Exception e) when (GuestAgentErrors.IsAgentFailure(e))
        {
            logger.LogInformation("VM {Name}: cannot ask the guest to power off through its agent ({Error})", name, e.Message);
            return null;
        }
    }

    /// <param name="running">Told the command line the guest runs now, and null once it has failed.</param>
    private static async Task<string?> AskEachAsync(QemuSession run, string name, Action<string?> running, ILogger logger, CancellationToken ct)
    {
        var info = await run.Agent.UseAsync((agent, t) => agent.GetInfoAsync(t), GuestExec.AgentWait, ct).ConfigureAwait(false);
        if (!Enabled(info, "guest-exec") || !Enabled(info, "guest-exec-status"))
        {
            logger.LogInformation("VM {Name}: its guest agent blocks guest-exec, so it cannot be asked to power off another way", name);
            return null;
        }
        foreach (var (program, arguments) in Programs)
        {
            var line = string.Join(' ', [program, .. arguments]);
            if (await RunAsync(run, program, arguments, name, line, running, logger, ct).ConfigureAwait(false))
                return line;
            running(null);
        }
        return null;
    }

    /// <summary>
    /// True when the guest took the request: the program exited 0, or the agent went quiet while it
    /// ran (the guest's shutdown stops the agent, sometimes before it reports the exit).
    /// </summary>
    /// <exception cref="GuestAgentException">The agent did not answer the request to start it.</exception>
    private static async Task<bool> RunAsync(QemuSession run, string program, string[] arguments, string name, string line,
        Action<string?> running, ILogger logger, CancellationToken ct)
    {
        long pid;
        try
        {
            pid = await GuestExec.StartAsync(run, program, arguments, ct).ConfigureAwait(false);
        }
        catch (GuestAgentCommandException e)
        {
            // The agent could not start it: no such program in this guest.
            logger.LogInformation("VM {Name}: the guest could not run '{Command}' ({Error})", name, line, e.Desc);
            return false;
        }
        running(line);
        try
        {
            var result = await GuestExec.WaitAsync(run, program, pid, RunTimeout, ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
                return true;
            logger.LogInformation("VM {Name}: the guest's '{Command}' failed with exit code {Code} ({Error})", name, line, result.ExitCode, result.ErrorText);
            return false;
        }
        catch (GuestOperationFailedException e)
        {
            logger.LogInformation("VM {Name}: {Error}", name, e.Message);
            return false;
        }
        catch (Exception e) when (GuestAgentErrors.IsNoAnswer(e))
        {
            logger.LogInformation("VM {Name}: the guest agent went quiet while '{Command}' ran ({Error}); taking it as on its way down", name, line, e.Message);
            return true;
        }
    }

    private static bool Enabled(GuestInfo info, string command) => info.SupportedCommands.Any(c => c.Name == command && c.Enabled);
}
