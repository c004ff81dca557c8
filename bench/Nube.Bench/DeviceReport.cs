using System.Globalization;
using System.Text;

namespace Nube.Bench;

/// <summary>Figures 3 to 5 and 7 to 10 as markdown: each with both sides, their ratio, the spread and the seed's figure beside them (figure 8: each format against raw).</summary>
public sealed class DeviceReport(BenchOptions options, StringBuilder md)
{
    /// <summary>The first seed's table: Hyper-V's Integration Services made I/O ~40 % and the network ~30 % faster than emulated devices.</summary>
    private const string SeedNet = "~30 % faster (1.3x)";
    public const double NetTarget = 3.0;

    public void Render(LaterFigures later)
    {
        if (options.Figure3)
        {
            if (later.Disk is { } d)
                DiskReport.Render(d, options, md);
            else
                Failed(3, "disk I/O, emulated IDE vs synthetic SCSI", later);
        }
        if (options.Figure4)
        {
            if (later.Network is { } n)
                Network(n);
            else
                Failed(4, "network throughput, legacy vs synthetic adapter", later);
        }
        if (options.Figure5)
        {
            if (later.Heartbeat is { } h)
                Heartbeat(h);
            else
                Failed(5, "the heartbeat's cost and its detection time", later);
        }
        if (options.Figure7)
        {
            if (later.Metering is { } m)
                MeteringReport.Render(m, md);
            else
                Failed(7, "what resource metering costs", later);
        }
        if (options.Figure8)
        {
            if (later.DiskFormats is { } f)
                DiskFormatReport.Render(f, options, md);
            else
                Failed(8, "disk formats and checkpoint layers on synthetic SCSI", later);
        }
        if (options.Figure9)
        {
            if (later.HotPlug is { } p)
                HotPlugReport.Render(p, options, md);
            else
                Failed(9, "hot add and hot remove of a SCSI disk on a running VM", later);
        }
        if (options.Figure10)
        {
            if (later.Migration is { } m)
                MigrationReport.Render(m, options, md);
            else
                Failed(10, "moving a running VM to another host, Nube vs QEMU by hand", later);
        }
    }

    private void Failed(int figure, string title, LaterFigures later)
    {
        Line();
        Line($"## Figure {figure}: {title}");
        Line();
        Line($"**Not measured:** {later.Failures.GetValueOrDefault(figure, "interrupted")}");
    }

    private void Network(NetResult r)
    {
        double[] Values(string variant, string dir) => [.. r.Samples.Where(s => s.Variant == variant && s.Direction == dir).Select(s => s.MBps)];
        double Median(string variant, string dir) => Stats.Of(Values(variant, dir)).Median;
        double[] PerRound(string a, string b, string dir) =>
            [.. Enumerable.Range(0, r.Rounds).Select(i => r.Samples.Single(s => s.Round == i && s.Variant == a && s.Direction == dir).MBps
                                                       / r.Samples.Single(s => s.Round == i && s.Variant == b && s.Direction == dir).MBps)];
        var dirs = new[] { NetworkFigure.GuestToHost, NetworkFigure.HostToGuest };
        var hasE1000 = r.Variants.Any(v => v.Key == "e1000");
        Line();
        Line("## Figure 4: TCP throughput, legacy (emulated) vs synthetic network adapter (iperf3)");
        Line();
        Line($"Each configuration is its own VM (1 vCPU unless the row says otherwise, {options.GuestVm("x").MemoryStartupMiB} MiB, the test guest) started through nubed, with one adapter on its own TAP device " +
             $"(`switch: \"tap:nbtapN\"`) in the network namespace `{r.Namespace}` the bench made; nubed runs in that namespace (`ip netns exec`), so its QEMUs open the TAPs there. " +
             "The host end of each TAP has 10.231.N.1/24, the guest 10.231.N.2/24 (set through its console, where `iperf3 -s -D` is started too). " +
             $"The iperf3 client runs on the host in the namespace: `iperf3 -c GUEST -t {r.Seconds} -O 1 -J` (host→guest) and with `-R` (guest→host), one TCP stream unless the row says otherwise; the figure is what the receiver got (`end.sum_received`), MB/s of 10^6 bytes. " +
             $"All VMs boot once and are paused; each of the {r.Rounds} rounds resumes one VM at a time and runs both directions (which goes first alternates by round), the VM order turning by one each round. " +
             $"An untimed 2 s run each way precedes. iperf3 host: {r.IperfHost}; guest: {r.IperfGuest}. Load average before the VMs boot, at each round's start and at the end: {string.Join("; ", r.LoadAverages)}.");
        Line();
        Line("| Direction | tulip (legacy, Hyper-V's) | " + (hasE1000 ? "e1000 (legacy) | " : "") + "virtio-net (synthetic) | synthetic / tulip, ratio of medians | per round: median (min–max) | " +
             (hasE1000 ? "synthetic / e1000 | " : "") + "seed (Hyper-V, synthetic vs emulated) | target (vs tulip) |");
        Line("|---|---:|" + (hasE1000 ? "---:|" : "") + "---:|---:|---:|" + (hasE1000 ? "---:|" : "") + "---|---|");
        foreach (var d in dirs)
        {
            var ratio = Median("virtio", d) / Median("tulip", d);
            var per = Stats.Of(PerRound("virtio", "tulip", d));
            Line($"| {d} (MB/s) | {Spread(Values("tulip", d), false)} | " + (hasE1000 ? $"{Spread(Values("e1000", d), false)} | " : "") +
                 $"{Spread(Values("virtio", d), false)} | **{ratio:0.00}x** | {per.Median:0.00}x ({per.Min:0.00}–{per.Max:0.00}) | " +
                 (hasE1000 ? $"{Median("virtio", d) / Median("e1000", d):0.00}x | " : "") +
                 $"{SeedNet} | ≥ {NetTarget:0.0}x: {(ratio >= NetTarget ? "met" : "**missed**")} |");
        }
        Line();
        Line("Every configuration measured (medians, min–max; TCP retransmits are the sender's, summed over the rounds):");
        Line();
        Line("| Configuration | guest driver, rx queues | guest→host (MB/s) | host→guest (MB/s) | guest→host / tulip | host→guest / tulip | retransmits g→h / h→g |");
        Line("|---|---|---:|---:|---:|---:|---|");
        foreach (var v in r.Variants.Where(v => !v.Pair))
        {
            var f = r.Facts.GetValueOrDefault(v.VmKey);
            long Retr(string d) => r.Samples.Where(s => s.Variant == v.Key && s.Direction == d && s.Retransmits >= 0).Sum(s => s.Retransmits);
            Line($"| {v.Label} | {(f is null ? "-" : $"{f.Driver}, {f.RxQueues}")} | {Spread(Values(v.Key, dirs[0]), false)} | {Spread(Values(v.Key, dirs[1]), false)} | " +
                 $"{Median(v.Key, dirs[0]) / Median("tulip", dirs[0]):0.00}x | {Median(v.Key, dirs[1]) / Median("tulip", dirs[1]):0.00}x | {Retr(dirs[0])} / {Retr(dirs[1])} |");
        }
        if (r.Variants.Any(v => v.Key == "virtio-switch"))
        {
            Line();
            Line("**A Nube switch against a bare TAP** (target: a switch costs at most 10 %): the same virtio-net VM, its adapter on an internal switch " +
                 "(nubed's bridge with the host's address on it, the adapter's TAP on the bridge, the port guards' nftables bridge table) against the adapter on a TAP the bench made:");
            Line();
            Line("| Direction | bare TAP (MB/s) | Nube switch (MB/s) | switch / TAP, ratio of medians | per round: median (min–max) | target |");
            Line("|---|---:|---:|---:|---:|---|");
            foreach (var d in dirs)
            {
                var ratio = Median("virtio-switch", d) / Median("virtio", d);
                var per = Stats.Of(PerRound("virtio-switch", "virtio", d));
                Line($"| {d} | {Spread(Values("virtio", d), false)} | {Spread(Values("virtio-switch", d), false)} | **{ratio:0.00}x** | " +
                     $"{per.Median:0.00}x ({per.Min:0.00}–{per.Max:0.00}) | ≥ 0.90x: {(ratio >= 0.9 ? "met" : "**missed**")} |");
            }
        }
        if (r.Variants.Any(v => v.Key == "tulip-pair") && r.Variants.Any(v => v.Key == "virtio-pair"))
        {
            var pairDirs = new[] { NetworkPairs.AToB, NetworkPairs.BToA };
            Line();
            Line("**Between two VMs on one Nube switch**: two VMs of the configuration on a private switch of their own (its bridge, the two TAPs, the port guards), " +
                 $"VM A's iperf3 client against VM B's server through A's console (`iperf3 -c B -t {r.Seconds} -O 1 -f m`, and `-R`: B sends), the receiver's figure. " +
                 "Both VMs run during their rows (the others paused); under TCG the two guests share the host's 2 cores with the switch's forwarding:");
            Line();
            Line("| Direction | tulip pair (MB/s) | virtio-net pair (MB/s) | synthetic / emulated, ratio of medians | per round: median (min–max) |");
            Line("|---|---:|---:|---:|---:|");
            foreach (var d in pairDirs)
            {
                var per = Stats.Of(PerRound("virtio-pair", "tulip-pair", d));
                Line($"| {d} | {Spread(Values("tulip-pair", d), false)} | {Spread(Values("virtio-pair", d), false)} | **{Median("virtio-pair", d) / Median("tulip-pair", d):0.00}x** | " +
                     $"{per.Median:0.00}x ({per.Min:0.00}–{per.Max:0.00}) |");
            }
        }
        if (r.LeaseSeconds.Count > 0)
        {
            var lease = Stats.Of(r.LeaseSeconds);
            Line();
            Line($"**`vm start` to the DHCP lease** on an internal switch with NAT and DHCP (as the default switch), the test guest asking with `nube.dhcp=1` before its agent starts, " +
                 $"the address seen in `GET /api/v1/vms/{{vm}}` (polled every 50 ms with a 1 s agent wait): median **{lease.Median:0.00} s** (min {lease.Min:0.00}, max {lease.Max:0.00}) over {r.LeaseSeconds.Count} starts.");
        }
        Line();
        Line("Per round (MB/s):");
        Line();
        Line("| Round | Configuration | guest→host (a pair: A→B) | host→guest (a pair: B→A) |");
        Line("|---|---|---:|---:|");
        for (var i = 0; i < r.Rounds; i++)
            for (var k = 0; k < r.Variants.Count; k++)
            {
                var v = r.Variants[(k + i) % r.Variants.Count];
                string Cell(string d) => F(r.Samples.Single(s => s.Round == i && s.Variant == v.Key && s.Direction == d).MBps, 1);
                // A pair's first column is A to B, its second B to A.
                var (first, second) = v.Pair ? (NetworkPairs.AToB, NetworkPairs.BToA) : (dirs[0], dirs[1]);
                Line($"| {i + 1} | {v.Key} | {Cell(first)} | {Cell(second)} |");
            }
    }

    private void Heartbeat(HeartbeatResult r)
    {
        var on = r.Windows.Where(w => w.HeartbeatOn).ToList();
        var off = r.Windows.Where(w => !w.HeartbeatOn).ToList();
        // CPU seconds per minute of window.
        double PerMinute(CpuWindow w, double cpu) => cpu / w.Seconds * 60;
        var nOn = Stats.Of(on.Select(w => PerMinute(w, w.NubedCpu)));
        var nOff = Stats.Of(off.Select(w => PerMinute(w, w.NubedCpu)));
        var qOn = Stats.Of(on.Select(w => PerMinute(w, w.QemuCpu)));
        var qOff = Stats.Of(off.Select(w => PerMinute(w, w.QemuCpu)));
        var diff = nOn.Median - nOff.Median;
        var per100 = diff * 100.0 / r.Vms;
        var pingsPerMinute = r.Vms * 60.0 / r.IntervalSeconds;
        var perPingMs = diff / pingsPerMinute * 1000;
        var qDiff = qOn.Median - qOff.Median;
        Line();
        Line("## Figure 5: the heartbeat's cost to the host service, and the time to notice a lost guest agent");
        Line();
        Line($"{r.Vms} idle VMs ({r.VmMiB} MiB, 1 vCPU, the test guest) started through one nubed and left running (started one after another in {r.BootSeconds:0} s). " +
             $"Host defaults: a heartbeat every {r.IntervalSeconds} s, {r.TimeoutSeconds} s to answer. In each of {options.HeartbeatRounds} rounds, two windows of {options.HeartbeatWindowSeconds} s: heartbeat enabled on every VM and disabled on every VM " +
             $"(`integrationServices.enabled` patched; which goes first alternates), each after a pause of at least {Math.Max(5, r.IntervalSeconds + 1)} s. CPU time is utime + stime of nubed's process (all threads) from `/proc/PID/stat` " +
             $"({r.ClockTicks} ticks a second, so 0.01 s resolution), and the same for the {r.Vms} QEMUs (the guest side of the pings). Idle running VMs, not paused ones: a paused guest cannot answer, so it would not measure a heartbeat's round trip.");
        Line();
        Line("| | heartbeat on | heartbeat off | difference (the heartbeat) |");
        Line("|---|---:|---:|---:|");
        Line($"| nubed, CPU s per minute ({r.Vms} VMs; median, min–max) | {nOn.Median:0.000} ({nOn.Min:0.000}–{nOn.Max:0.000}) | {nOff.Median:0.000} ({nOff.Min:0.000}–{nOff.Max:0.000}) | **{diff:0.000}** |");
        Line($"| the {r.Vms} QEMUs, CPU s per minute | {qOn.Median:0.00} ({qOn.Min:0.00}–{qOn.Max:0.00}) | {qOff.Median:0.00} ({qOff.Min:0.00}–{qOff.Max:0.00}) | {qDiff:0.00} |");
        Line();
        Line($"**nubed's heartbeat cost: {per100:0.000} CPU s per minute per 100 VMs** ({diff:0.000} s for {r.Vms} VMs, scaled linearly to 100: an assumption, nubed's per-VM work being independent; " +
             $"{per100 / 60 * 100:0.00} % of one core), **{perPingMs:0.00} ms of CPU per ping** ({pingsPerMinute:0} pings a minute expected from {r.Vms} VMs at {r.IntervalSeconds} s; the pings were not counted one by one). " +
             $"In the guests (QEMU, under TCG) the same pings cost {qDiff:0.00} CPU s per minute, {qDiff / pingsPerMinute * 1000:0.0} ms per ping; under KVM that side would be far smaller. " +
             (Math.Abs(diff) < Math.Max(nOn.Max - nOn.Min, nOff.Max - nOff.Min) ? "The difference is within the windows' spread: the heartbeat's cost is below what this machine's noise lets one resolve." : ""));
        Line();
        Line("| Round | heartbeat | window (s) | nubed CPU (s) | QEMUs CPU (s) | heartbeats ok at its end | load average at its start |");
        Line("|---|---|---:|---:|---:|---:|---|");
        foreach (var w in r.Windows)
            Line($"| {w.Round + 1} | {(w.HeartbeatOn ? "on" : "off")} | {w.Seconds:0.0} | {w.NubedCpu:0.00} | {w.QemuCpu:0.00} | {w.VmsOk} of {r.Vms} | {w.Load} |");
        Line();
        Line("**Agent lost to Lost communication.** In the first VM's guest, through its console: `touch /run/nube-agent.hold; killall qemu-ga` (the guest's init restarts qemu-ga a second after it exits unless that file exists); " +
             "from the console's answer (the kill is done by then), the VM list is polled every 100 ms (it carries the heartbeat's status without asking the guest) until the heartbeat reads `lost-communication`. " +
             "Then `rm -f /run/nube-agent.hold`, and the time until it reads `ok` again (the guest's loop starts qemu-ga within 0.2 s; the next heartbeat finds it). " +
             $"Expected at {r.IntervalSeconds} s / {r.TimeoutSeconds} s: lost after the next ping's {r.TimeoutSeconds} s timeout, between {r.TimeoutSeconds} and {r.IntervalSeconds + r.TimeoutSeconds} s.");
        Line();
        if (r.Lost.Count > 0)
        {
            var lost = Stats.Of(r.Lost.Select(x => x.ToLostSeconds));
            var ok = Stats.Of(r.Lost.Select(x => x.ToOkSeconds));
            Line("| | n | median (s) | min (s) | max (s) |");
            Line("|---|---:|---:|---:|---:|");
            Line($"| qemu-ga killed → lost-communication | {lost.Count} | **{lost.Median:0.00}** | {lost.Min:0.00} | {lost.Max:0.00} |");
            Line($"| hold removed → ok | {ok.Count} | **{ok.Median:0.00}** | {ok.Min:0.00} | {ok.Max:0.00} |");
        }
        if (r.LostFailure is not null)
        {
            Line();
            Line($"**Not measured:** {r.LostFailure}");
        }
    }

    internal static string Spread(double[] values, bool iops)
    {
        var s = Stats.Of(values);
        var d = iops ? 0 : 1;
        return s.Count == 0 ? "-" : $"{F(s.Median, d)} ({F(s.Min, d)}–{F(s.Max, d)})";
    }

    private void Line(string s = "") => md.Append(s).Append('\n');

    internal static string F(double v, int decimals = 0) =>
        double.IsNaN(v) ? "-" : v.ToString(decimals == 0 ? "0" : "0.0", CultureInfo.InvariantCulture);
}
