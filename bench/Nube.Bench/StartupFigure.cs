using System.Diagnostics;
using Nube.Contracts.Hosts;
using Nube.Contracts.Vms;
using Nube.Core.Hosts;
using Nube.Core.Qemu;
using Nube.Core.Serialization;
using Nube.Core.Vms;

namespace Nube.Bench;

/// <summary>
/// One boot under Nube: the start call's own time, and the time to the guest agent's answer.
/// From nubed's log: when it logged "Starting QEMU" (just before Process.Start) and "is running"
/// (QEMU spawned, QMP negotiated), relative to the request; null if the log lacks them.
/// </summary>
public sealed record NubeBoot(double StartCallMs, double AgentMs, int ProbeCalls, double? LaunchLoggedMs, double? RunningLoggedMs);

/// <summary>One round; <see cref="Baseline"/> is the other build's boot when figure 1 has one (<c>--baseline-nubed</c>).</summary>
public sealed record StartupRound(int Round, bool Warmup, bool NubeFirst, NubeBoot Nube, PlainBoot Qemu, NubeBoot? Baseline = null);

public sealed record StartupResult(
    IReadOnlyList<StartupRound> Rounds,
    IReadOnlyList<string> Argv,
    bool ArgvIdentical,
    string ArgvCheck,
    string? AgentVersion,
    HostInfo Host,
    long MemoryMiB,
    int ProcessorCount);

/// <summary>
/// Figure 1: start to the guest agent's first answer, Nube against plain QEMU with the same
/// argv, in the same run, alternating which goes first.
/// </summary>
public sealed class StartupFigure(BenchOptions options, Workspace workspace)
{
    private const string VmName = "bench-boot";
    private const int AgentWaitSeconds = 120;
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromMinutes(3);

    public Task<StartupResult> RunAsync(CancellationToken ct) =>
        Nubed.MeasureWithAsync(workspace.Folder("fig1-nubed"), options.GuestDir, "fig1", (nubed, c) => options.BaselineNubed is { } other
            ? Nubed.MeasureWithAsync(workspace.Folder("fig1-baseline"), options.GuestDir, "fig1 (baseline)",
                (baseline, c2) => MeasureAsync(nubed, baseline, c2), c, dll: other)
            : MeasureAsync(nubed, null, c), ct);

    private async Task<StartupResult> MeasureAsync(Nubed nubed, Nubed? baseline, CancellationToken ct)
    {
        var client = nubed.Client;
        if (baseline is not null)
            await baseline.Client.CreateVmAsync(options.GuestVm(VmName), ct);
        var created = await client.CreateVmAsync(options.GuestVm(VmName), ct);
        var id = created.Summary.Id;
        var plainRoot = workspace.Folder("fig1-plain");
        var plain = await PlainQemu.TwinAsync(nubed, id, plainRoot, ct);
        var (host, config) = (await client.GetHostAsync(ct), plain.Config);

        var rounds = new List<StartupRound>();
        string? argvCheck = null;
        var identical = false;
        string? agentVersion = null;
        for (var r = -options.Warmup; r < options.Runs; r++)
        {
            var warm = r < 0;
            // Sides: 0 Nube, 1 plain QEMU, 2 the baseline build; each round starts with the next side.
            var count = baseline is null ? 2 : 3;
            var order = Enumerable.Range(0, count).Select(k => (k + Math.Max(r, 0)) % count).ToList();
            var nubeFirst = order.IndexOf(0) < order.IndexOf(1);
            NubeBoot? n = null;
            NubeBoot? b = null;
            PlainBoot? q = null;
            foreach (var side in order)
            {
                if (side == 2)
                {
                    (b, _) = await BootUnderNubeAsync(baseline!, VmName, ct);
                }
                else if (side == 0)
                {
                    (n, var version) = await BootUnderNubeAsync(nubed, id.ToString(), ct);
                    agentVersion ??= version;
                    if (argvCheck is null)
                    {
                        (identical, argvCheck) = CompareArgv(nubed, plain.Argv, nubed.RunDir, nubed.DataDir, plainRoot);
                        if (!identical)
                            throw new InvalidOperationException($"The plain QEMU argv differs from nubed's; the comparison would be unfair.\n{argvCheck}");
                    }
                }
                else
                {
                    q = await BootPlainAsync(plain, ct);
                }
                await Task.Delay(options.Settle, ct);
            }
            var round = new StartupRound(r, warm, nubeFirst, n!, q!, b);
            rounds.Add(round);
            Console.Error.WriteLine($"bench: fig1 {(warm ? "warm-up" : $"round {r + 1}/{options.Runs}")} ({(nubeFirst ? "Nube first" : "QEMU first")}): " +
                $"Nube {n!.AgentMs:0} ms (start call {n.StartCallMs:0}), QEMU {q!.InfoMs:0} ms (ping {q.PingMs:0}, launched {q.LaunchedMs:0})" +
                (b is null ? "" : $", baseline Nube {b.AgentMs:0} ms"));
        }
        return new StartupResult(rounds, plain.Argv, identical, argvCheck!, agentVersion, host, config.MemoryStartupMiB, config.ProcessorCount);
    }

    private static async Task<(NubeBoot Boot, string? AgentVersion)> BootUnderNubeAsync(Nubed nubed, string vm, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(OperationTimeout);
        var client = nubed.Client;
        var requestAt = DateTime.Now;
        var sw = Stopwatch.StartNew();
        await client.RunJobAsync(vm, "start", ct: limit.Token);
        var startCall = sw.Elapsed.TotalMilliseconds;
        double? Logged(string marker) => nubed.LastLogTime(marker, requestAt) is { } t && t >= requestAt.AddSeconds(-1)
            ? (t - requestAt).TotalMilliseconds : null;
        // "Starting QEMU as uid N: setpriv ... -- qemu-system-x86_64 ..." (a baseline build may log "Starting QEMU: ...").
        var launchLogged = Logged("Starting QEMU");
        var runningLogged = Logged(" is running (pid ");
        VmDetails details;
        var calls = 0;
        do
        {
            calls++;
            details = await client.GetVmAsync(vm, AgentWaitSeconds, limit.Token);
        }
        while (details.GuestAgent is not { Responding: true } && sw.Elapsed < TimeSpan.FromSeconds(AgentWaitSeconds));
        var agent = sw.Elapsed.TotalMilliseconds;
        if (details.GuestAgent is not { Responding: true })
            throw new InvalidOperationException($"The guest agent of the Nube VM did not answer within {AgentWaitSeconds} s: {details.GuestAgent?.Error}");
        var pid = details.ProcessId;
        await client.RunJobAsync(vm, "turn-off", ct: limit.Token);
        if (pid is { } p && !await ProcessTools.WaitGoneAsync(p, TimeSpan.FromSeconds(15), ct))
            throw new InvalidOperationException($"nubed's turn-off left QEMU {p} running");
        return (new NubeBoot(startCall, agent, calls, launchLogged, runningLogged), details.GuestAgent.Version);
    }

    private static async Task<PlainBoot> BootPlainAsync(PlainQemu plain, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(OperationTimeout);
        try
        {
            return await plain.BootAsync(limit.Token);
        }
        finally
        {
            await plain.QuitAsync(ct);
        }
    }

    /// <summary>nubed's logged argv against the bench's, with each side's folders replaced by a placeholder.</summary>
    private static (bool Identical, string Report) CompareArgv(Nubed nubed, IReadOnlyList<string> plainArgv,
        string nubedRun, string nubedData, string plainRoot)
    {
        var launch = nubed.FindInLog("Starting QEMU as uid ")
            ?? throw new InvalidOperationException("nubed did not log 'Starting QEMU as uid N: ...'; cannot check the argv.");
        // QEMU's argv follows the cgroup wrapper's and setpriv's, after the last "--" before the QEMU binary.
        var at = launch.LastIndexOf(" -- " + plainArgv[0] + " ", StringComparison.Ordinal);
        var logged = at < 0 ? launch : launch[(at + 4)..];
        var ours = string.Join(' ', plainArgv);
        var a = logged.Trim().Replace(nubedRun, "<RUN>").Replace(nubedData, "<DATA>");
        var b = ours.Replace(Path.Combine(plainRoot, "run"), "<RUN>").Replace(Path.Combine(plainRoot, "data"), "<DATA>");
        return a == b
            ? (true, "identical to nubed's logged `Starting QEMU:` line once each side's run/data folders are replaced by `<RUN>`/`<DATA>`")
            : (false, $"nubed: {a}\nbench: {b}");
    }
}
