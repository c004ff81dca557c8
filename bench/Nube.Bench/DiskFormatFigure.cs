using System.Text;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>
/// One disk of figure 8: an image format (QEMU's driver name and, for VHDX, its subformat), or a
/// chain of <see cref="Layers"/> qcow2 overlays (checkpoints) on a VHDX dynamic base.
/// </summary>
public sealed record DiskFormatVariant(string Key, string Label, string Format, string? Subformat, int Layers)
{
    public string Vm => $"fmt-{Key}";
}

public sealed record DiskFormatResult(
    IReadOnlyList<DiskFormatVariant> Variants,
    IReadOnlyList<FioTest> Tests,
    IReadOnlyList<DiskSample> Samples,
    IReadOnlyDictionary<string, DiskGuestFacts> Facts,
    IReadOnlyDictionary<string, string> Chains,
    IReadOnlyDictionary<string, string> NotMeasured,
    int Rounds,
    int DiskMiB,
    string DiskFolder,
    string DiskFileSystem,
    string FioVersion,
    IReadOnlyList<string> LoadAverages);

/// <summary>
/// Figure 8: fio in the test guest on one synthetic SCSI disk (Nube's default controller:
/// virtio-scsi, writeback, iothread) in each image format, and through one and five qcow2
/// overlays (what a checkpoint adds) on a VHDX dynamic base. Every image holds the same fully
/// written data (converted from one raw file with sparse detection off, so that no read finds a
/// hole); the VMs are run as figure 3's are: all boot once through nubed, are paused, and take
/// turns, the order turning by one each round.
/// </summary>
public sealed class DiskFormatFigure(BenchOptions options, Workspace workspace)
{
    public static readonly DiskFormatVariant[] Variants =
    [
        new("raw", "raw", "raw", null, 0),
        new("qcow2", "qcow2", "qcow2", null, 0),
        new("vhdx-dynamic", "VHDX dynamic", "vhdx", "dynamic", 0),
        new("vhdx-fixed", "VHDX fixed", "vhdx", "fixed", 0),
        new("vhdx-1layer", "VHDX dynamic + 1 qcow2 overlay (1 checkpoint)", "vhdx", "dynamic", 1),
        new("vhdx-5layers", "VHDX dynamic + 5 qcow2 overlays (5 checkpoints)", "vhdx", "dynamic", 5),
    ];

    private static readonly TimeSpan QemuImgTimeout = TimeSpan.FromMinutes(5);

    public Task<DiskFormatResult> RunAsync(CancellationToken ct) =>
        Nubed.MeasureWithAsync(workspace.Folder("fig8-nubed"), options.GuestDir, "fig8", MeasureAsync, ct);

    private async Task<DiskFormatResult> MeasureAsync(Nubed nubed, CancellationToken ct)
    {
        var client = nubed.Client;
        var tests = DiskFigure.Tests(options);
        var images = Path.Combine(nubed.DataDir, "images");
        Directory.CreateDirectory(images);
        var fs = DiskFigure.FileSystemOf(images);
        if (fs is "tmpfs" or "ramfs")
            throw new InvalidOperationException($"The work dir {workspace.Root} is on {fs}: figure 8 needs a real disk (pass --work-dir, or TMPDIR for run.sh).");
        var source = Path.Combine(images, "source.raw");
        GuestVms.CreateRawDisk(source, options.DiskMiB);
        var facts = new Dictionary<string, DiskGuestFacts>();
        var chains = new Dictionary<string, string>();
        var notMeasured = new Dictionary<string, string>();
        var loads = new List<string> { DiskFigure.Load() };
        var fioVersion = "?";
        try
        {
            foreach (var v in Variants)
            {
                var (path, format, chain) = await MakeImageAsync(images, source, v, ct);
                chains[v.Key] = chain;
                await client.CreateVmAsync(options.GuestVm(v.Vm) with
                {
                    ScsiControllers = [new ScsiControllerSettings { IoThread = true, Disks = [new ScsiDiskSettings { Location = 0, Path = path, Format = format }] }],
                }, ct);
                double boot;
                try
                {
                    boot = await GuestVms.StartAsync(client, v.Vm, ct);
                }
                catch (Exception e) when (e is NubeApiException or InvalidOperationException && !ct.IsCancellationRequested)
                {
                    // A disk Nube cannot start with is a result too: the row says why, the others are measured.
                    notMeasured[v.Key] = e.Message;
                    Console.Error.WriteLine($"bench: fig8 {v.Key}: not measured: {e.Message}");
                    continue;
                }
                (facts[v.Key], fioVersion) = await DiskFigure.ProbeAsync(new NubedDiskGuest(client, v.Vm), options.DiskMiB, ct);
                await DiskFigure.WarmAsync(new NubedDiskGuest(client, v.Vm), facts[v.Key].Device, ct);
                await GuestVms.RunAsync(client, v.Vm, "pause", ct);
                Console.Error.WriteLine($"bench: fig8 {v.Key}: booted in {boot:0.0} s; {chain}");
            }
            File.Delete(source);

            var measured = Variants.Where(v => !notMeasured.ContainsKey(v.Key)).ToList();
            var samples = new List<DiskSample>();
            for (var r = 0; r < options.FormatRounds; r++)
            {
                loads.Add(DiskFigure.Load());
                for (var k = 0; k < measured.Count; k++)
                {
                    var v = measured[(k + r) % measured.Count];
                    await GuestVms.RunAsync(client, v.Vm, "resume", ct);
                    foreach (var t in tests)
                    {
                        var (value, runtime, cpu) = await DiskFigure.RunFioAsync(new NubedDiskGuest(client, v.Vm), facts[v.Key].Device, t, ct);
                        samples.Add(new DiskSample(r, v.Key, t.Key, value, runtime, cpu));
                        Console.Error.WriteLine($"bench: fig8 round {r + 1}/{options.FormatRounds} {v.Key} {t.Key}: {value:0.0} {(t.Iops ? "IOPS" : "MB/s")}");
                    }
                    await GuestVms.RunAsync(client, v.Vm, "pause", ct);
                }
            }
            loads.Add(DiskFigure.Load());
            return new DiskFormatResult(measured, tests, samples, facts, chains, notMeasured, options.FormatRounds, options.DiskMiB, images, fs, fioVersion, loads);
        }
        finally
        {
            await GuestVms.TurnOffAllAsync(client, Variants.Select(v => v.Vm), CancellationToken.None);
        }
    }

    /// <summary>
    /// The VM's disk: the source converted (<c>-S 0</c>: every block allocated, as a disk that was
    /// written all over), and for a chain, that many empty qcow2 overlays on it, each naming its
    /// parent's format. Returns the top image, its format for nubed, and the chain as text.
    /// </summary>
    private static async Task<(string Path, string Format, string Chain)> MakeImageAsync(string folder, string source, DiskFormatVariant v, CancellationToken ct)
    {
        var basePath = Path.Combine(folder, $"{v.Key}.{v.Format}");
        if (v.Format == "raw")
            File.Copy(source, basePath);
        else
            await QemuImgAsync(["convert", "-S", "0", "-f", "raw", "-O", v.Format, .. v.Subformat is { } sub ? new[] { "-o", $"subformat={sub}" } : [], source, basePath], ct);
        var (top, format) = (basePath, v.Format);
        var chain = v.Subformat is { } s ? $"{v.Format} ({s})" : v.Format;
        for (var layer = 1; layer <= v.Layers; layer++)
        {
            var overlay = Path.Combine(folder, $"{v.Key}.layer{layer}.qcow2");
            await QemuImgAsync(["create", "-f", "qcow2", "-b", top, "-F", format, overlay], ct);
            (top, format) = (overlay, "qcow2");
            chain += " ← qcow2";
        }
        foreach (var file in Directory.EnumerateFiles(folder, $"{v.Key}.*"))
            File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("644", 8));
        return (top, format, chain);
    }

    public static async Task QemuImgAsync(string[] args, CancellationToken ct)
    {
        var result = await ProcessTools.RunAsync("qemu-img", args, QemuImgTimeout, ct);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"qemu-img {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr.Trim()}");
    }
}

/// <summary>Figure 8 as markdown.</summary>
public static class DiskFormatReport
{
    public static void Render(DiskFormatResult r, BenchOptions options, StringBuilder md)
    {
        void Line(string s = "") => md.Append(s).Append('\n');
        double[] Values(string variant, string test) => [.. r.Samples.Where(s => s.Variant == variant && s.Test == test).Select(s => s.Value)];
        double Median(string variant, string test) => Stats.Of(Values(variant, test)).Median;
        string Unit(FioTest t) => t.Iops ? "IOPS" : "MB/s";
        var f = r.Facts.Values.FirstOrDefault();
        Line();
        Line("## Figure 8: disk formats and checkpoint layers on synthetic SCSI (fio)");
        Line();
        Line($"Each disk is its own VM (1 vCPU, {options.GuestVm("x").MemoryStartupMiB} MiB, the test guest) started through nubed with one data disk of {r.DiskMiB} MiB on Nube's default SCSI controller " +
             $"(virtio-scsi, an iothread, cache writeback; the guest sees {(f is null ? "?" : $"{f.Driver}, queue depth {f.QueueDepth}, scheduler `{f.Scheduler}`")}). " +
             $"Every image is converted from one fully written raw file with `qemu-img convert -S 0` (no holes: a read never finds an unallocated block), in `{r.DiskFolder}` ({r.DiskFileSystem}, a real disk); " +
             "the checkpoint rows are empty qcow2 overlays (`qemu-img create -f qcow2 -b PARENT -F FORMAT`) on a VHDX dynamic base of their own, so reads go through every layer to the base " +
             "and each first write to a 64 KiB cluster of the top overlay allocates it and copies the rest of the cluster from below. " +
             $"All VMs boot once and are paused; each of the {r.Rounds} rounds resumes one VM at a time, runs the four tests in the order shown and pauses it again, the order of VMs turning by one each round. " +
             $"fio {r.FioVersion}: `--ioengine=libaio --direct=1 --numjobs=1 --time_based`, 4k random at queue depth {options.DiskIoDepth} for {options.FioSeconds} s, 1 MiB sequential at queue depth {options.SeqIoDepth} for {options.FioSeqSeconds} s. " +
             $"Medians over the rounds (min–max); MB/s are 10^6 bytes. Load average before the VMs boot, at each round's start and at the end: {string.Join("; ", r.LoadAverages)}.");
        Line();
        Line("| Disk | chain (base ← top) | " + string.Join(" | ", r.Tests.Select(t => $"{t.Label} ({Unit(t)})")) + " |");
        Line("|---|---|" + string.Concat(r.Tests.Select(_ => "---:|")));
        foreach (var v in DiskFormatFigure.Variants)
            Line($"| {v.Label} | {r.Chains.GetValueOrDefault(v.Key, "?")} | " + (r.NotMeasured.TryGetValue(v.Key, out var why)
                ? $"**not measured:** {why.Replace("|", "\\|").ReplaceLineEndings(" ")} |" + string.Concat(r.Tests.Skip(1).Select(_ => " - |"))
                : string.Join(" | ", r.Tests.Select(t => DeviceReport.Spread(Values(v.Key, t.Key), t.Iops))) + " |"));
        Line();
        Line("Ratios of medians: each disk against raw, and each checkpoint chain against its base format (VHDX dynamic), test by test:");
        Line();
        Line("| Disk | " + string.Join(" | ", r.Tests.Select(t => $"{t.Key} / raw")) + " | " + string.Join(" | ", r.Tests.Select(t => $"{t.Key} / VHDX dynamic")) + " |");
        Line("|---|" + string.Concat(r.Tests.Select(_ => "---:|")) + string.Concat(r.Tests.Select(_ => "---:|")));
        string Ratio(string a, string b, string test) => Values(a, test).Length > 0 && Values(b, test).Length > 0 ? $"{Median(a, test) / Median(b, test):0.00}x" : "-";
        foreach (var v in r.Variants)
            Line($"| {v.Label} | " + string.Join(" | ", r.Tests.Select(t => Ratio(v.Key, "raw", t.Key))) + " | " +
                 string.Join(" | ", r.Tests.Select(t => v.Layers > 0 ? Ratio(v.Key, "vhdx-dynamic", t.Key) : "-")) + " |");
        Line();
        Line("Per round (the order within a round turns by one each round; the overlays' clusters are allocated as the rounds go, so their later rounds write less new data):");
        Line();
        Line("| Round | Disk | " + string.Join(" | ", r.Tests.Select(t => t.Key)) + " |");
        Line("|---|---|" + string.Concat(r.Tests.Select(_ => "---:|")));
        for (var i = 0; i < r.Rounds; i++)
            for (var k = 0; k < r.Variants.Count; k++)
            {
                var v = r.Variants[(k + i) % r.Variants.Count];
                Line($"| {i + 1} | {v.Key} | " + string.Join(" | ", r.Tests.Select(t =>
                    DeviceReport.F(r.Samples.Single(s => s.Round == i && s.Variant == v.Key && s.Test == t.Key).Value, t.Iops ? 0 : 1))) + " |");
            }
    }
}
