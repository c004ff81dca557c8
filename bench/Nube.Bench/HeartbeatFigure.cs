using System.Diagnostics;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>One CPU window: heartbeat on or off on every VM; nubed's and the QEMUs' CPU seconds over it.</summary>
public sealed record CpuWindow(int Round, bool HeartbeatOn, double Seconds, double NubedCpu, double QemuCpu, int VmsOk, string Load);

/// <summary>One round of the agent taken away: seconds to lost-communication, then back to ok.</summary>
public sealed record LostRound(int Round, double ToLostSeconds, double ToOkSeconds);

public sealed record HeartbeatResult(
    int Vms,
    int VmMiB,
    int IntervalSeconds,
    int TimeoutSeconds,
    IReadOnlyList<CpuWindow> Windows,
    IReadOnlyList<LostRound> Lost,
    double BootSeconds,
    long ClockTicks,
    string? LostFailure);

/// <summary>
/// Figure 5: what the heartbeat costs the host service (CPU time of nubed over fixed windows
/// with N idle running VMs, heartbeat on all vs off on all, alternating), and how long the
/// guest agent's death takes to read Lost communication, and its return OK.
/// </summary>
public sealed class HeartbeatFigure(BenchOptions options, Workspace workspace)
{
    private const string Heartbeat = "heartbeat";

    public Task<HeartbeatResult> RunAsync(CancellationToken ct) =>
        Nubed.MeasureWithAsync(workspace.Folder("fig5-nubed"), options.GuestDir, "fig5", MeasureAsync, ct);

    private static string Vm(int i) => $"hb-{i:D2}";

    private async Task<HeartbeatResult> MeasureAsync(Nubed nubed, CancellationToken ct)
    {
        var client = nubed.Client;
        var host = await client.GetHostAsync(ct);
        // The host's defaults as this nubed has them (the data dir is fresh: 3 s and 5 s unless the product changed them).
        var interval = host.HeartbeatIntervalSeconds > 0 ? host.HeartbeatIntervalSeconds : 3;
        var timeout = host.HeartbeatTimeoutSeconds > 0 ? host.HeartbeatTimeoutSeconds : 5;
        var names = Enumerable.Range(0, options.HeartbeatVms).Select(Vm).ToList();
        var ticks = ClockTicksPerSecond();
        try
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < names.Count; i++)
            {
                await client.CreateVmAsync(options.GuestVm(names[i]) with { MemoryStartupMiB = options.HeartbeatVmMiB }, ct);
                await GuestVms.StartAsync(client, names[i], ct);
                if (i == 0)
                {
                    // Before booting the rest: is there a heartbeat at all? Without the monitor the status stays no-contact.
                    await WaitStatusAsync(client, names[0], "ok", TimeSpan.FromSeconds(interval + timeout + 20),
                        "the heartbeat of a freshly started VM", ct);
                }
                Console.Error.WriteLine($"bench: fig5 started {names[i]} ({i + 1}/{names.Count}, {sw.Elapsed.TotalSeconds:0} s)");
            }
            var boot = sw.Elapsed.TotalSeconds;
            var pids = new List<int>();
            foreach (var n in names)
                pids.Add((await client.GetVmAsync(n, 0, ct)).ProcessId ?? throw new InvalidOperationException($"{n} has no process"));

            var windows = new List<CpuWindow>();
            for (var r = 0; r < options.HeartbeatRounds; r++)
            {
                foreach (var on in r % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    await SetHeartbeatAsync(client, names, on, ct);
                    // The switch's own requests and the first pings fall before the window.
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(5, interval + 1)), ct);
                    var load = Load();
                    var n0 = CpuSeconds(nubed.ProcessId, ticks);
                    var q0 = pids.Sum(p => CpuSeconds(p, ticks));
                    var w = Stopwatch.StartNew();
                    await Task.Delay(TimeSpan.FromSeconds(options.HeartbeatWindowSeconds), ct);
                    var n1 = CpuSeconds(nubed.ProcessId, ticks);
                    var q1 = pids.Sum(p => CpuSeconds(p, ticks));
                    var seconds = w.Elapsed.TotalSeconds;
                    var ok = (await client.ListVmsAsync(ct)).Count(v => v.Heartbeat == "ok");
                    if (on && ok < names.Count)
                        Console.Error.WriteLine($"bench: fig5 warning: only {ok} of {names.Count} heartbeats read ok at the end of a window");
                    windows.Add(new CpuWindow(r, on, seconds, n1 - n0, q1 - q0, ok, load));
                    Console.Error.WriteLine($"bench: fig5 round {r + 1}/{options.HeartbeatRounds} heartbeat {(on ? "on " : "off")}: nubed {n1 - n0:0.000} s CPU, QEMUs {q1 - q0:0.00} s in {seconds:0.0} s ({ok} ok)");
                }
            }
            await SetHeartbeatAsync(client, names, true, ct);

            var lost = new List<LostRound>();
            string? lostFailure = null;
            try
            {
                await WaitStatusAsync(client, names[0], "ok", TimeSpan.FromSeconds(interval + timeout + 20), "the heartbeat before the agent is taken away", ct);
                for (var r = 0; r < options.LostRounds; r++)
                    lost.Add(await LoseAndRecoverAsync(client, names[0], r, interval, timeout, ct));
            }
            catch (TimeoutException e)
            {
                lostFailure = e.Message;
                Console.Error.WriteLine($"bench: fig5: {e.Message}");
            }
            return new HeartbeatResult(names.Count, options.HeartbeatVmMiB, interval, timeout, windows, lost, boot, ticks, lostFailure);
        }
        finally
        {
            await GuestVms.TurnOffAllAsync(client, names, CancellationToken.None);
        }
    }

    private static async Task<LostRound> LoseAndRecoverAsync(NubeApiClient client, string vm, int round, int interval, int timeout, CancellationToken ct)
    {
        // The guest's init restarts qemu-ga a second after it exits, unless the hold file exists.
        await GuestConsole.RunAsync(client, vm, "touch /run/nube-agent.hold; killall qemu-ga", TimeSpan.FromSeconds(30), ct);
        var killed = Stopwatch.StartNew();
        await WaitStatusAsync(client, vm, "lost-communication", TimeSpan.FromSeconds(interval + timeout + 30), "the heartbeat after qemu-ga was killed", ct);
        var toLost = killed.Elapsed.TotalSeconds;
        await GuestConsole.RunAsync(client, vm, "rm -f /run/nube-agent.hold", TimeSpan.FromSeconds(30), ct);
        var released = Stopwatch.StartNew();
        await WaitStatusAsync(client, vm, "ok", TimeSpan.FromSeconds(interval + timeout + 30), "the heartbeat after qemu-ga may run again", ct);
        var toOk = released.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"bench: fig5 lost round {round + 1}: lost-communication after {toLost:0.00} s, ok again after {toOk:0.00} s");
        await Task.Delay(TimeSpan.FromSeconds(interval), ct);
        return new LostRound(round, toLost, toOk);
    }

    /// <summary>Polls the VM list (no agent call: only the status nubed already holds) every 100 ms until the heartbeat reads <paramref name="status"/>.</summary>
    private static async Task WaitStatusAsync(NubeApiClient client, string vm, string status, TimeSpan bound, string what, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        string? last = null;
        while (sw.Elapsed < bound)
        {
            last = (await client.ListVmsAsync(ct)).FirstOrDefault(v => v.Name == vm)?.Heartbeat;
            if (last == status)
                return;
            await Task.Delay(100, ct);
        }
        var details = await client.GetVmAsync(vm, 0, ct);
        var hb = details.IntegrationServices?.FirstOrDefault(s => s.Service == Heartbeat);
        throw new TimeoutException(
            $"{what} of '{vm}' did not read '{status}' within {bound.TotalSeconds:0} s (it reads '{last ?? "nothing"}'" +
            $"{(hb?.Error is { } e ? $", error: {e}" : "")}). A heartbeat that stays no-contact means this nubed has no heartbeat monitor yet " +
            "(it lands with the integration services); run `bench/run.sh --only fig5` again once it is in.");
    }

    private static async Task SetHeartbeatAsync(NubeApiClient client, IEnumerable<string> vms, bool on, CancellationToken ct)
    {
        foreach (var vm in vms)
        {
            var enabled = (await client.GetVmAsync(vm, 0, ct)).Settings?.IntegrationServices?.Enabled ?? [];
            var next = on ? enabled.Union([Heartbeat]).ToList() : enabled.Where(s => s != Heartbeat).ToList();
            if (next.Count == enabled.Count && next.All(enabled.Contains))
                continue;
            await client.SetVmAsync(vm, new VmSettings { IntegrationServices = new IntegrationServicesSettings { Enabled = next } }, ct);
        }
    }

    /// <summary>utime + stime of a process (all its threads), from /proc/PID/stat, in seconds.</summary>
    public static double CpuSeconds(int pid, long ticks)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces) in parentheses: state is field 3, utime 14, stime 15.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11]) + long.Parse(f[12])) / (double)ticks;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);

    public static long ClockTicksPerSecond()
    {
        const int ScClkTck = 2;
        var t = SysConf(ScClkTck);
        return t > 0 ? t : 100;
    }

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
