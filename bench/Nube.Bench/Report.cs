using System.Globalization;
using System.Text;

namespace Nube.Bench;

/// <summary>Writes the results as markdown.</summary>
public sealed class Report(BenchOptions options, MachineFacts machine, DateTimeOffset started)
{
    private const double OverheadTarget = 5.0;
    private const double CliTargetMs = 150;
    private readonly StringBuilder md = new();

    public string Render(StartupResult? fig1, CliResult? fig2, string? failure, TimeSpan benchTime, TimeSpan? wholeRun)
    {
        Line("# Nube benchmark results");
        Line();
        Line($"- Date: {started.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        Line($"- Machine: {machine.Cores} cores ({machine.CpuModel}), {machine.MemoryGiB:0.0} GiB RAM, Linux {machine.Kernel}");
        var accel = fig1?.Host is { } h ? $"{h.AcceleratorInUse} (KVM usable: {(h.KvmUsable ? "yes" : "no")})" : "tcg";
        Line($"- QEMU: {machine.Qemu}; accelerator: {accel}");
        Line($"- .NET: {machine.Dotnet}; product built in Release");
        Line($"- Guest: {machine.Guest}");
        Line($"- Command: `{options.Command}`");
        Line($"- Duration: {(wholeRun is { } w ? $"{w.TotalSeconds:0} s in all (build included), " : "")}{benchTime.TotalSeconds:0} s of measuring");
        if (failure is not null)
        {
            Line();
            Line($"**The run failed:** {failure}");
        }
        if (fig1 is not null)
            Figure1(fig1);
        if (fig2 is not null)
            Figure2(fig2);
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
        Line("| Side | n | median (ms) | mean (ms) | min (ms) | max (ms) | How it is measured |");
        Line("|---|---:|---:|---:|---:|---:|---|");
        Line($"| Nube | {nube.Count} | {F(nube.Median)} | {F(nube.Mean)} | {F(nube.Min)} | {F(nube.Max)} | one nubed (started once), VM created once; from `POST .../start` (`OperateAsync(vm, \"start\")`) to `GetVmAsync(vm, 120)` returning `guestAgent.responding == true`; nubed's probe connects to qga.sock, syncs (120 s timeout), sends guest-ping and guest-info |");
        Line($"| Plain QEMU | {qemu.Count} | {F(qemu.Median)} | {F(qemu.Mean)} | {F(qemu.Min)} | {F(qemu.Max)} | same argv via `Process.Start` (it daemonizes; waited for), then in-process `GuestAgentClient`: connect to qga.sock, sync (120 s timeout), guest-ping, guest-info (the same steps as nubed's probe) |");
        Line();
        var verdict = overhead < OverheadTarget ? "met" : "**missed**";
        Line($"**Ratio of medians Nube / QEMU: {ratio:0.000}; Nube's overhead: {overhead:+0.0;-0.0} % (target under {OverheadTarget:0} %: {verdict}).** " +
             $"Median difference {F(nube.Median - qemu.Median)} ms.");
        Line();
        var startCall = Stats.Of(measured.Select(x => x.Nube.StartCallMs));
        var daemonized = Stats.Of(measured.Select(x => x.Qemu.DaemonizedMs));
        var ping = Stats.Of(measured.Select(x => x.Qemu.PingMs));
        Line("Where the time goes (medians): " +
             $"Nube's start call returns after {F(startCall.Median)} ms (QEMU launched and daemonized, pidfile read, QMP connected and negotiated); " +
             $"plain QEMU has daemonized after {F(daemonized.Median)} ms. " +
             $"The rest is the guest booting to qemu-ga; plain QEMU's guest-ping answers at {F(ping.Median)} ms, guest-info {F(qemu.Median - ping.Median)} ms later.");
        Line();
        Line($"QEMU argv: {r.ArgvCheck}.");
        Line();
        Line("Each round (ms; QEMU columns: daemonized / ping answered / guest-info answered = the figure):");
        Line();
        Line("| Round | First | Nube: start call | Nube: agent answered | QEMU: daemonized | QEMU: ping | QEMU: ping + info | Nube − QEMU |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var x in r.Rounds)
        {
            var name = x.Warmup ? $"warm-up {x.Round + r.Rounds.Count(y => y.Warmup) + 1}" : $"{x.Round + 1}";
            var calls = x.Nube.ProbeCalls > 1 ? $" ({x.Nube.ProbeCalls} probe calls)" : "";
            Line($"| {name} | {(x.NubeFirst ? "Nube" : "QEMU")} | {F(x.Nube.StartCallMs)} | {F(x.Nube.AgentMs)}{calls} | {F(x.Qemu.DaemonizedMs)} | {F(x.Qemu.PingMs)} | {F(x.Qemu.InfoMs)} | {F(x.Nube.AgentMs - x.Qemu.InfoMs)} |");
        }
        Line();
        Line("<details><summary>The QEMU argv (the bench's copy; nubed's differs only in its folders)</summary>");
        Line();
        Line("```");
        Line(string.Join(" \\\n  ", r.Argv));
        Line("```");
        Line("</details>");
    }

    private void Figure2(CliResult r)
    {
        Line();
        Line($"## Figure 2: `nube vm list` with {r.VmCount} VMs defined");
        Line();
        Line($"{r.VmCount} VMs created through the API (kernel boot, 512 MiB, not started) in {r.CreateMs / 1000:0.0} s. " +
             $"Each CLI row is a new process, timed from `Process.Start` to its exit with stdout and stderr read through pipes; " +
             $"{options.CliWarmup} warm-up run(s) per row, then {options.CliRuns} runs, the rows taking turns. Target: under {CliTargetMs:0} ms for the CLI.");
        Line();
        Line("| Command | n | median (ms) | p90 (ms) | min (ms) | max (ms) | target | output check | note |");
        Line("|---|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var s in r.Series)
        {
            var st = Stats.Of(s.Ms);
            var isList = s.Variant.Args.Contains("list");
            var target = !isList ? "-" : st.Median < CliTargetMs ? "met" : "**missed**";
            Line($"| {s.Variant.Label} | {st.Count} | {F(st.Median)} | {F(st.P90)} | {F(st.Min)} | {F(st.Max)} | {target} | {s.Check} | {s.Variant.Note} |");
        }
        var api = Stats.Of(r.ApiMs);
        var cold = Stats.Of(r.ApiColdMs);
        Line($"| API alone: `ListVmsAsync` (warm client) | {api.Count} | {F(api.Median, 1)} | {F(api.P90, 1)} | {F(api.Min, 1)} | {F(api.Max, 1)} | - | {r.VmCount} VMs | in the bench process, connection kept alive |");
        Line($"| API alone: `ListVmsAsync` (new client) | {cold.Count} | {F(cold.Median, 1)} | {F(cold.P90, 1)} | {F(cold.Min, 1)} | {F(cold.Max, 1)} | - | {r.VmCount} VMs | new client and connection per call |");
        Line();
        Line("Rows marked \"demo\" are not the product as built: they show what a setting would change.");
    }

    private void Line(string s = "") => md.Append(s).Append('\n');

    private static string F(double v, int decimals = 0) =>
        double.IsNaN(v) ? "-" : v.ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture);
}
