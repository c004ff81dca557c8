using System.Globalization;
using System.Text;

namespace Nube.Bench;

/// <summary>Writes the results as markdown.</summary>
public sealed class Report(BenchOptions options, MachineFacts machine, DateTimeOffset started)
{
    private const double OverheadTarget = 5.0;
    private readonly StringBuilder md = new();

    public string Render(StartupResult? fig1, CliResult? fig2, LaterFigures later, string? failure, TimeSpan benchTime, TimeSpan? wholeRun)
    {
        Line("# Nube benchmark results");
        Line();
        Line($"- Date: {started.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        Line($"- Machine: {machine.Cores} cores ({machine.CpuModel}), {machine.MemoryGiB:0.0} GiB RAM, Linux {machine.Kernel}");
        var accel = fig1?.Host is { } h ? $"{h.AcceleratorInUse} (KVM usable: {(h.KvmUsable ? "yes" : "no")})" : "tcg";
        Line($"- QEMU: {machine.Qemu}; accelerator: {accel}");
        Line($"- .NET: {machine.Dotnet}; product built in Release; the CLI of figure 2 published as scripts/demo.sh does");
        Line($"- Guest: {machine.Guest}");
        Line($"- Command: `{options.Command}`");
        Line($"- Load at start: {machine.LoadAverage}; other QEMUs running (not the bench's): {machine.OtherQemus} at start, {MachineFacts.CountOtherQemus(null)} at the end");
        Line($"- Duration: {(wholeRun is { } w ? $"{w.TotalSeconds:0} s in all (build included), " : "")}{benchTime.TotalSeconds:0} s of measuring");
        if (failure is not null)
        {
            Line();
            Line($"**The run failed:** {failure}");
        }
        if (options.Figures.Count < BenchOptions.AllFigures.Count)
        {
            Line();
            Line($"Only figure(s) {string.Join(", ", options.Figures.Order())} were run (`--only`); the others' last results are in the file's history.");
        }
        if (fig1 is not null)
            Figure1(fig1);
        if (fig2 is not null)
            Figure2(fig2);
        new DeviceReport(options, md).Render(later);
        return md.ToString();
    }

    private void Figure1(StartupResult r)
    {
        var measured = r.Rounds.Where(x => !x.Warmup).ToList();
        var nube = Stats.Of(measured.Select(x => x.Nube.AgentMs));
        var qemu = Stats.Of(measured.Select(x => x.Qemu.InfoMs));
        var ratio = nube.Median / qemu.Median;
        var overhead = (ratio - 1) * 100;
        Line();
        Line("## Figure 1: start to the guest agent's first answer, Nube vs plain QEMU");
        Line();
        Line($"{measured.Count} rounds, alternating (Nube first on even rounds, QEMU first on odd), after {r.Rounds.Count - measured.Count} warm-up round(s) not counted; " +
             $"{r.MemoryMiB} MiB, {r.ProcessorCount} vCPU, guest agent {r.AgentVersion ?? "?"}; {options.Settle.TotalMilliseconds:0} ms pause after each VM is gone.");
        Line();
        Line("| Side | n | median (ms) | mean (ms) | min (ms) | max (ms) | std dev (ms) | How it is measured |");
        Line("|---|---:|---:|---:|---:|---:|---:|---|");
        Line($"| Nube | {nube.Count} | {F(nube.Median)} | {F(nube.Mean)} | {F(nube.Min)} | {F(nube.Max)} | {F(nube.StdDev)} | one nubed (started once), VM created once; from `POST .../start` (`RunJobAsync(vm, \"start\")`: the job's request, then its long-poll until it completed) to `GetVmAsync(vm, 120)` returning `guestAgent.responding == true`; nubed's probe connects to qga.sock, syncs (120 s timeout), sends guest-ping and guest-info |");
        Line($"| Plain QEMU | {qemu.Count} | {F(qemu.Median)} | {F(qemu.Mean)} | {F(qemu.Min)} | {F(qemu.Max)} | {F(qemu.StdDev)} | same argv, less the `-S` with which nubed holds the guest until its channels are open, with the same descriptors passed, as root (`posix_spawn`, no `setpriv`), then in-process `GuestAgentClient`: connect to qga.sock, sync (120 s timeout), guest-ping, guest-info (the same steps as nubed's probe) |");
        Line();
        var verdict = overhead < OverheadTarget ? "met" : "**missed**";
        var paired = Stats.Of(measured.Select(x => x.Nube.AgentMs - x.Qemu.InfoMs));
        var faster = measured.Count(x => x.Nube.AgentMs < x.Qemu.InfoMs);
        Line($"**Ratio of medians Nube / QEMU: {ratio:0.000}; Nube's overhead: {Signed(overhead)} % (target under {OverheadTarget:0} %: {verdict}).** " +
             $"Difference of medians {F(nube.Median - qemu.Median)} ms; per round (Nube − QEMU of the same round): median {F(paired.Median)} ms ({Signed(paired.Median / qemu.Median * 100)} %), " +
             $"from {F(paired.Min)} to {F(paired.Max)} ms; Nube was the faster in {faster} of {measured.Count} rounds.");
        if (Math.Abs(nube.Median - qemu.Median) < Math.Max(nube.StdDev, qemu.StdDev))
            Line($"The difference is smaller than the boot-to-boot spread (std dev {F(nube.StdDev)} / {F(qemu.StdDev)} ms), so the end-to-end figure cannot resolve Nube's overhead; its start path below bounds it.");
        Line();
        if (measured.All(x => x.Baseline is not null) && measured.Count > 0)
            Baseline(measured);
        var startCall = Stats.Of(measured.Select(x => x.Nube.StartCallMs));
        var launched = Stats.Of(measured.Select(x => x.Qemu.LaunchedMs));
        var ping = Stats.Of(measured.Select(x => x.Qemu.PingMs));
        var logged = measured.Where(x => x.Nube.LaunchLoggedMs is not null && x.Nube.RunningLoggedMs is not null).ToList();
        Line("Where the time goes (medians over the measured rounds):");
        Line();
        if (logged.Count > 0)
        {
            var pre = Stats.Of(logged.Select(x => x.Nube.LaunchLoggedMs!.Value));
            var launch = Stats.Of(logged.Select(x => x.Nube.RunningLoggedMs!.Value - x.Nube.LaunchLoggedMs!.Value));
            var reply = Stats.Of(logged.Select(x => x.Nube.StartCallMs - x.Nube.RunningLoggedMs!.Value));
            Line($"- Nube's start call takes {F(startCall.Median)} ms; its parts, from nubed's log (each part's own median): request to the `Starting QEMU` line {F(pre.Median)} ms (HTTP, validation, argv, VM folder), " +
                 $"then to `is running` {F(launch.Median)} ms (descriptors opened, QEMU spawned through setpriv, QMP connect and negotiation), then the reply {F(reply.Median)} ms. " +
                 "Only the part before QEMU starts delays the guest: it boots while nubed negotiates QMP.");
        }
        else
        {
            Line($"- Nube's start call: {F(startCall.Median)} ms (nubed's log lines for a breakdown were not found).");
        }
        Line($"- Plain QEMU is spawned {F(launched.Median)} ms after its descriptors start being opened.");
        Line($"- The rest is the guest booting to qemu-ga: plain QEMU's guest-ping answers at {F(ping.Median)} ms, guest-info {F(qemu.Median - ping.Median)} ms later. " +
             "After the agent answers, Nube adds only the HTTP reply of the GET.");
        Line();
        Line($"QEMU argv: {r.ArgvCheck}.");
        Line();
        Line("Each round (ms from the request or `Process.Start`; \"agent answered\" and \"ping + info\" are the figure):");
        Line();
        Line("| Round | First | Nube: to `Starting QEMU` | Nube: start call | Nube: agent answered | QEMU: spawned | QEMU: ping | QEMU: ping + info | Nube − QEMU |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var x in r.Rounds)
        {
            var name = x.Warmup ? $"warm-up {x.Round + r.Rounds.Count(y => y.Warmup) + 1}" : $"{x.Round + 1}";
            var calls = x.Nube.ProbeCalls > 1 ? $" ({x.Nube.ProbeCalls} probe calls)" : "";
            Line($"| {name} | {(x.NubeFirst ? "Nube" : "QEMU")} | {F(x.Nube.LaunchLoggedMs ?? double.NaN)} | {F(x.Nube.StartCallMs)} | {F(x.Nube.AgentMs)}{calls} | {F(x.Qemu.LaunchedMs)} | {F(x.Qemu.PingMs)} | {F(x.Qemu.InfoMs)} | {F(x.Nube.AgentMs - x.Qemu.InfoMs)} |");
        }
        Line();
        Line("<details><summary>The QEMU argv (the bench's copy; nubed's differs only in its folders)</summary>");
        Line();
        Line("```");
        Line(string.Join(" \\\n  ", PairOptions(r.Argv)));
        Line("```");
        Line("</details>");
    }

    /// <summary>This build's Nube against the baseline build's (<c>--baseline-nubed</c>), booted in the same rounds.</summary>
    private void Baseline(List<StartupRound> measured)
    {
        var now = Stats.Of(measured.Select(x => x.Nube.AgentMs));
        var before = Stats.Of(measured.Select(x => x.Baseline!.AgentMs));
        var change = (now.Median / before.Median - 1) * 100;
        var paired = Stats.Of(measured.Select(x => x.Nube.AgentMs - x.Baseline!.AgentMs));
        Line($"This build against the baseline build (`{options.BaselineNubed}`), each booting the same guest in every round, the order rotating:");
        Line();
        Line("| Side | n | median (ms) | mean (ms) | min (ms) | max (ms) | std dev (ms) |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        Line($"| Nube, this build | {now.Count} | {F(now.Median)} | {F(now.Mean)} | {F(now.Min)} | {F(now.Max)} | {F(now.StdDev)} |");
        Line($"| Nube, baseline build | {before.Count} | {F(before.Median)} | {F(before.Mean)} | {F(before.Min)} | {F(before.Max)} | {F(before.StdDev)} |");
        Line();
        Line($"**This build / baseline, medians: {now.Median / before.Median:0.000} ({Signed(change)} %; target at most +{OverheadTarget:0} %: " +
             $"{(change <= OverheadTarget ? "met" : "**missed**")}).** Per round (this − baseline): median {F(paired.Median)} ms, from {F(paired.Min)} to {F(paired.Max)} ms.");
        Line();
    }

    private void Figure2(CliResult r)
    {
        Line();
        Line($"## Figure 2: the CLI: `nube --version`, and `nube vm list` with {r.VmCount} VMs defined");
        Line();
        Line($"{r.VmCount} VMs created through the API (kernel boot, 512 MiB, not started) in {r.CreateMs / 1000:0.0} s. " +
             $"Each CLI row is a new process, timed from `Process.Start` to its exit with stdout and stderr read through pipes; " +
             $"{options.CliWarmup} warm-up run(s) per row, then {options.CliRuns} runs, the rows taking turns. " +
             $"Targets for the CLI as users run it (the published rows), medians: `nube --version` under {CliFigure.VersionTargetMs:0} ms, `nube vm list` under {CliFigure.ListTargetMs:0} ms.");
        Line();
        Line("| Command | n | median (ms) | p90 (ms) | min (ms) | max (ms) | target | output check | note |");
        Line("|---|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var s in r.Series)
        {
            var st = Stats.Of(s.Ms);
            var target = s.Variant.TargetMs is not { } limit ? "-" : st.Median < limit ? $"under {limit:0}: met" : $"under {limit:0}: **missed**";
            Line($"| {s.Variant.Label} | {st.Count} | {F(st.Median)} | {F(st.P90)} | {F(st.Min)} | {F(st.Max)} | {target} | {s.Check} | {s.Variant.Note} |");
        }
        var api = Stats.Of(r.ApiMs);
        var cold = Stats.Of(r.ApiColdMs);
        Line($"| API alone: `ListVmsAsync` (warm client) | {api.Count} | {F(api.Median, 1)} | {F(api.P90, 1)} | {F(api.Min, 1)} | {F(api.Max, 1)} | - | {r.VmCount} VMs | in the bench process, connection kept alive |");
        Line($"| API alone: `ListVmsAsync` (new client) | {cold.Count} | {F(cold.Median, 1)} | {F(cold.P90, 1)} | {F(cold.Min, 1)} | {F(cold.Max, 1)} | - | {r.VmCount} VMs | new client and connection per call |");
        Line();
        var published = Path.Combine(options.CliPublishedDir!, "nube");
        Line($"The published rows run `{published}`, from `dotnet publish src/Nube.Cli -c Release -o <that folder>` " +
             $"exactly as scripts/demo.sh runs it: one native executable of {r.PublishedBytes / 1e6:0.0} MB (Native AOT, self-contained, linux-x64, all from Nube.Cli.csproj). The \"build output\" rows run " +
             $"`{Path.Combine(options.CliBuildDir!, "nube")}` for comparison only: it is not what users run, and the target is not judged on it.");
    }

    /// <summary>"-opt value" pairs on one line each, for reading.</summary>
    private static IEnumerable<string> PairOptions(IReadOnlyList<string> argv)
    {
        for (var i = 0; i < argv.Count; i++)
        {
            if (argv[i].StartsWith('-') && i + 1 < argv.Count && !argv[i + 1].StartsWith('-'))
                yield return $"{argv[i]} {argv[++i]}";
            else
                yield return argv[i];
        }
    }

    private static string Signed(double v)
    {
        var r = Math.Round(v, 1);
        return (r >= 0 ? "+" : "-") + Math.Abs(r).ToString("0.0", CultureInfo.InvariantCulture);
    }

    private void Line(string s = "") => md.Append(s).Append('\n');

    private static string F(double v, int decimals = 0) =>
        double.IsNaN(v) ? "-" : v.ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture);
}
