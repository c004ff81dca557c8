using System.Text;

namespace Nube.Bench;

/// <summary>Figure 3 as markdown: emulated IDE vs synthetic SCSI, every configuration measured, and where the time goes (plain QEMU twins).</summary>
public static class DiskReport
{
    /// <summary>The first seed's table: Hyper-V's Integration Services made I/O ~40 % faster than emulated devices.</summary>
    private const string SeedDisk = "~40 % faster (1.4x)";
    private const double SeedRatio = 1.4;
    public const double DiskTarget = 2.5;

    public static void Render(DiskResult r, BenchOptions options, StringBuilder md)
    {
        void Line(string s = "") => md.Append(s).Append('\n');
        double[] Values(string variant, string test) => [.. r.Samples.Where(s => s.Variant == variant && s.Test == test).Select(s => s.Value)];
        double Median(string variant, string test) => Stats.Of(Values(variant, test)).Median;
        double[] PerRound(string a, string b, string test) =>
            [.. Enumerable.Range(0, r.Rounds).Select(i => r.Samples.Single(s => s.Round == i && s.Variant == a && s.Test == test).Value
                                                       / r.Samples.Single(s => s.Round == i && s.Variant == b && s.Test == test).Value)];
        Line();
        Line("## Figure 3: disk I/O in the guest, emulated IDE vs synthetic SCSI (fio)");
        Line();
        Line($"Each configuration is its own VM ({Cpus(r.Variants)}, {options.GuestVm("x").MemoryStartupMiB} MiB, the test guest) started through nubed with one data disk: a fresh raw file of {r.DiskMiB} MiB, " +
             $"every block written before the VM starts, in `{r.DiskFolder}` ({r.DiskFileSystem}, a real disk). All VMs boot once and are paused; each of the {r.Rounds} rounds resumes one VM at a time, " +
             $"runs the {r.Tests.Count} tests and pauses it again, the order turning by one VM each round so that no side always runs first or last. " +
             $"fio {r.FioVersion} in the guest on the raw block device: `--ioengine=libaio --direct=1 --numjobs=1 --time_based`, 4k random at queue depth {options.DiskIoDepth} for {options.FioSeconds} s, " +
             $"1 MiB sequential at queue depth {options.SeqIoDepth} and {options.DeepSeqIoDepth} for {options.FioSeqSeconds} s; an untimed 2 s mixed run warms each disk first. " +
             $"Figures are medians over the rounds (min–max beside them); MB/s are 10^6 bytes. Load average before the VMs boot, at each round's start and at the end: {string.Join("; ", r.LoadAverages)}.");
        Line();
        Line($"Queue depth {options.DiskIoDepth}: a server's random I/O keeps many requests in flight, and queueing is what the synthetic path adds: the guest sees the IDE disk with a queue depth of {Fact(r, "ide", f => f.QueueDepth)} " +
             $"(the PIIX controller has no command queueing, so one request is in flight whatever fio asks), the SCSI disk with {Fact(r, "scsi", f => f.QueueDepth)}. At queue depth 1 the two would differ only by the cost of one emulated request.");
        Line();
        Line("| Test | IDE (emulated) | SCSI (synthetic) | SCSI / IDE, ratio of medians | per round: median (min–max) | seed (Hyper-V, synthetic vs emulated) | target |");
        Line("|---|---:|---:|---:|---:|---|---|");
        foreach (var t in r.Tests)
        {
            var ide = Median("ide", t.Key);
            var scsi = Median("scsi", t.Key);
            var ratio = scsi / ide;
            var per = Stats.Of(PerRound("scsi", "ide", t.Key));
            // Random I/O has Nube's own target; every row has the seed's 1.4x (issue 13: every row beats it, or the figure shows why not).
            var goal = t.Iops ? DiskTarget : SeedRatio;
            var target = $"≥ {goal:0.0}x: {(ratio >= goal ? "met" : "**missed**")}";
            Line($"| {t.Label} ({(t.Iops ? "IOPS" : "MB/s")}) | {DeviceReport.Spread(Values("ide", t.Key), t.Iops)} | {DeviceReport.Spread(Values("scsi", t.Key), t.Iops)} | **{ratio:0.00}x** | {per.Median:0.00}x ({per.Min:0.00}–{per.Max:0.00}) | {SeedDisk} | {target} |");
        }
        Line();
        Line("Where the time of 1 MiB sequential I/O goes: fio's own processor use in the guest (user + system, % of its one vCPU, medians), beside the throughput. " +
             "Under TCG the guest's kernel is emulated instruction by instruction, so a guest near 100 % is bound by its own vCPU whatever the controller does; " +
             "the synthetic controller's lead then comes only from what it spares that vCPU per request and from keeping more requests in flight (IDE keeps one). " +
             "The last column is the device path's own efficiency: data moved per second of the guest's processor.");
        Line();
        Line("| Test | IDE MB/s | IDE guest CPU | SCSI MB/s | SCSI guest CPU | SCSI / IDE | MB per guest CPU-second, SCSI / IDE |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var t in r.Tests.Where(t => !t.Iops))
        {
            double Cpu(string variant) => Stats.Of([.. r.Samples.Where(x => x.Variant == variant && x.Test == t.Key).Select(x => x.GuestCpu)]).Median;
            var (ide, scsi) = (Median("ide", t.Key), Median("scsi", t.Key));
            var (ideCpu, scsiCpu) = (Cpu("ide"), Cpu("scsi"));
            var perCpu = ideCpu > 0 && scsiCpu > 0 ? $"{scsi / scsiCpu / (ide / ideCpu):0.00}x" : "-";
            Line($"| {t.Label} | {ide:0} | {ideCpu:0} % | {scsi:0} | {scsiCpu:0} % | {scsi / ide:0.00}x | {perCpu} |");
        }
        Line();
        Line("Every configuration measured (medians, min–max; ratios of medians to IDE writeback and to the product's default SCSI controller):");
        Line();
        Line("| Configuration | guest sees | " + string.Join(" | ", r.Tests.Select(t => $"{t.Label} ({(t.Iops ? "IOPS" : "MB/s")})")) + " | rand. read / IDE | rand. write / IDE | rand. read / SCSI default | rand. write / SCSI default |");
        Line("|---|---|" + string.Concat(r.Tests.Select(_ => "---:|")) + "---:|---:|---:|---:|");
        foreach (var v in r.Variants)
        {
            var f = r.Facts.GetValueOrDefault(v.Key);
            var sees = f is null ? "-" : $"{f.Driver}, {f.Model}, queue depth {f.QueueDepth}, requests up to {f.MaxRequest}";
            Line($"| {v.Label} | {sees} | " + string.Join(" | ", r.Tests.Select(t => DeviceReport.Spread(Values(v.Key, t.Key), t.Iops))) +
                 $" | {Median(v.Key, "randread") / Median("ide", "randread"):0.00}x | {Median(v.Key, "randwrite") / Median("ide", "randwrite"):0.00}x" +
                 $" | {Median(v.Key, "randread") / Median("scsi", "randread"):0.00}x | {Median(v.Key, "randwrite") / Median("scsi", "randwrite"):0.00}x |");
        }
        Line();
        Line("Per round (the order within a round turns by one each round):");
        Line();
        Line("| Round | Configuration | " + string.Join(" | ", r.Tests.Select(t => t.Key)) + " |");
        Line("|---|---|" + string.Concat(r.Tests.Select(_ => "---:|")));
        for (var i = 0; i < r.Rounds; i++)
            for (var k = 0; k < r.Variants.Count; k++)
            {
                var v = r.Variants[(k + i) % r.Variants.Count];
                Line($"| {i + 1} | {v.Key} | " + string.Join(" | ", r.Tests.Select(t => DeviceReport.F(r.Samples.Single(s => s.Round == i && s.Variant == v.Key && s.Test == t.Key).Value, t.Iops ? 0 : 1))) + " |");
            }
        Analysis(r, Line);
        Line();
        Line($"Boot to the guest agent (through nubed, or plain QEMU's own): {string.Join(", ", r.BootSeconds.Select(b => $"{b.Key} {b.Value:0.0} s"))}. Guest I/O scheduler: {string.Join(", ", r.Facts.Select(f => $"{f.Key} `{f.Value.Scheduler}`"))}.");
    }

    private static string Cpus(IReadOnlyList<DiskVariant> variants) =>
        variants.Any(v => v.Cpus > 1) ? "1 vCPU unless the row says otherwise" : "1 vCPU";

    private static string Fact(DiskResult r, string key, Func<DiskGuestFacts, string> pick) =>
        r.Facts.TryGetValue(key, out var f) ? pick(f) : "?";


    /// <summary>
    /// Where the time goes: the product's sides against their plain QEMU twins (what nubed adds),
    /// then one change at a time on the plain SCSI twin (iothread polling, virtqueue depth,
    /// virtio-blk), and the best synthetic configuration against emulated IDE for each test.
    /// </summary>
    private static void Analysis(DiskResult r, Action<string> line)
    {
        string[] twins = ["qemu-ide", "qemu-scsi"];
        if (!twins.All(k => r.Variants.Any(v => v.Key == k)))
            return;
        double Median(string variant, string test) => Stats.Of([.. r.Samples.Where(s => s.Variant == variant && s.Test == test).Select(s => s.Value)]).Median;
        string Ratio(string a, string b, string test) =>
            r.Variants.Any(v => v.Key == a) && r.Variants.Any(v => v.Key == b) ? $"{Median(a, test) / Median(b, test):0.00}x" : "-";
        var changes = r.Variants.Where(v => v.Plain && v.Edit is not null).ToList();
        var synthetic = r.Variants.Where(v => v.Scsi).ToList();
        line("");
        line("### Where the time goes");
        line("");
        line("Each product side beside its plain QEMU twin (nubed's very argv for the same configuration, run as root without nubed's user, setpriv or cgroup: what nubed adds), " +
             "then one change at a time on the SCSI twin (the argv edits are listed below the table), and the best synthetic configuration of this run against IDE " +
             "(the largest of several noisy medians, so it flatters a little). Ratios of medians; within about 10 % of 1.00x is no difference on this machine.");
        line("");
        line("| Test | Nube IDE / plain IDE | Nube SCSI / plain SCSI | plain SCSI / plain IDE | " + string.Join(" | ", changes.Select(v => $"{v.Key} / plain SCSI")) + " | best synthetic / IDE |");
        line("|---|---:|---:|---:|" + string.Concat(changes.Select(_ => "---:|")) + "---|");
        foreach (var t in r.Tests)
        {
            var best = synthetic.MaxBy(v => Median(v.Key, t.Key))!;
            var ratio = Median(best.Key, t.Key) / Median("ide", t.Key);
            line($"| {t.Label} | {Ratio("ide", "qemu-ide", t.Key)} | {Ratio("scsi", "qemu-scsi", t.Key)} | {Ratio("qemu-scsi", "qemu-ide", t.Key)} | " +
                 string.Concat(changes.Select(v => $"{Ratio(v.Key, "qemu-scsi", t.Key)} | ")) +
                 $"{ratio:0.00}x ({best.Label}): {(ratio >= SeedRatio ? "beats" : "**below**")} {SeedRatio:0.0}x |");
        }
        line("");
        line("The plain twins' argv edits: " + string.Join("; ", r.Variants.Where(v => v.Plain).Select(v => $"**{v.Key}**: {r.ArgvEdits.GetValueOrDefault(v.Key, "?")}")) + ".");
    }
}
