using System.Diagnostics;
using Nube.Core.Qemu;
using Nube.Qemu.Protocol;

namespace Nube.Bench;

/// <summary>One boot of the guest under QEMU alone, and how long each step took from Process.Start.</summary>
public sealed record PlainBoot(double DaemonizedMs, double PingMs, double InfoMs);

/// <summary>
/// Plain QEMU, run the way a script would: the same argv as nubed's (built by the same
/// <see cref="QemuCommandBuilder"/> from the same configuration, with this bench's folders) less
/// nubed's -S,
/// started with Process.Start, then the guest agent reached the same way nubed reaches it.
/// </summary>
public sealed class PlainQemu(LaunchPlan plan, VmRuntimePaths paths)
{
    private static readonly TimeSpan DaemonizeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    public IReadOnlyList<string> Argv => plan.Argv;

    public void Prepare(uint? uid, uint? gid)
    {
        // As nubed does: a private runtime folder, and a VM folder that QEMU's user owns.
        Directory.CreateDirectory(paths.RuntimeDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(paths.VmDirectory);
        if (uid is { } u && gid is { } g)
            Nube.Linux.UnixFiles.Chown(paths.VmDirectory, u, g);
    }

    public async Task<PlainBoot> BootAsync(CancellationToken ct)
    {
        foreach (var f in new[] { paths.QmpSocket, paths.AgentSocket, paths.SerialSocket, paths.PidFile })
            File.Delete(f);
        var psi = new ProcessStartInfo(plan.Argv[0])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        // Less -S: nubed launches paused until it holds the VM's channels, then sends cont; QEMU
        // started directly runs at once.
        foreach (var a in plan.Argv.Skip(1).Where(a => a != "-S"))
            psi.ArgumentList.Add(a);

        var sw = Stopwatch.StartNew();
        using (var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start QEMU"))
        {
            var stderr = p.StandardError.ReadToEndAsync(ct);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(DaemonizeTimeout);
            try
            {
                // -daemonize: the first process exits once the VM is set up.
                await p.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"plain QEMU did not daemonize within {DaemonizeTimeout.TotalSeconds} s");
            }
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"plain QEMU exited with code {p.ExitCode}: {(await stderr).Trim()}");
        }
        var daemonized = sw.Elapsed.TotalMilliseconds;

        // As VmManager.ProbeAgentAsync: connect, sync (long timeout), guest-ping, guest-info.
        await using var stream = await UnixSocket.ConnectAsync(paths.AgentSocket, ct);
        await using var agent = await GuestAgentClient.ConnectAsync(stream, AgentTimeout, null, ct);
        await agent.PingAsync(ct);
        var ping = sw.Elapsed.TotalMilliseconds;
        await agent.GetInfoAsync(ct);
        var info = sw.Elapsed.TotalMilliseconds;
        return new PlainBoot(daemonized, ping, info);
    }

    /// <summary>Quits over QMP (as nubed's turn-off does) and waits until the process is gone; kills it otherwise.</summary>
    public async Task QuitAsync(CancellationToken ct)
    {
        if (!File.Exists(paths.PidFile) || !int.TryParse((await File.ReadAllTextAsync(paths.PidFile, ct)).Trim(), out var pid))
            return;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(10));
            await using var stream = await UnixSocket.ConnectAsync(paths.QmpSocket, limit.Token);
            await using var qmp = await QmpClient.ConnectAsync(stream, null, limit.Token);
            await qmp.QuitAsync(limit.Token);
        }
        catch (Exception e) when (e is QmpException or IOException or System.Net.Sockets.SocketException
                                      or OperationCanceledException && !ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"bench: quit over QMP failed ({e.Message}); killing plain QEMU {pid}");
        }
        if (!await ProcessTools.WaitGoneAsync(pid, ExitTimeout, ct))
        {
            ProcessTools.Kill(pid);
            await ProcessTools.WaitGoneAsync(pid, ExitTimeout, ct);
        }
    }
}
