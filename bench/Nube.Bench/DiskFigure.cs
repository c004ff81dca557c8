using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Contracts.Client;
using Nube.Contracts.Vms;

namespace Nube.Bench;

/// <summary>
/// One disk configuration of figure 3: where the data disk sits and how; run through nubed, or as
/// plain QEMU (<see cref="Plain"/>) on nubed's argv for the same configuration, edited by
/// <see cref="Edit"/> for what the product does not offer.
/// </summary>
public sealed record DiskVariant(string Key, string Label, bool Scsi, string Cache, bool IoThread, int Cpus, string Role)
{
    public string Vm => $"disk-{Key}";
    public bool Plain { get; init; }
    public Func<IReadOnlyList<string>, IReadOnlyList<string>>? Edit { get; init; }
}

/// <summary>One fio test: its name in the report, the fio arguments, and which side (read or write) it measures.</summary>
public sealed record FioTest(string Key, string Label, string Rw, string BlockSize, int IoDepth, int Seconds, bool Iops)
{
    public bool Reads => Rw is "randread" or "read";
}

/// <param name="GuestCpu">fio's own processor use in the guest (user + system, % of its vCPU): near 100, the guest is the bound, not the device.</param>
public sealed record DiskSample(int Round, string Variant, string Test, double Value, double RuntimeMs, double GuestCpu);

/// <param name="MaxRequest">The largest request the guest's block layer sends whole (max_sectors_kb, max_segments): a 1 MiB request above it is split.</param>
public sealed record DiskGuestFacts(string Device, string Model, string QueueDepth, string Scheduler, string Driver, string MaxRequest);

public sealed record DiskResult(
    IReadOnlyList<DiskVariant> Variants,
    IReadOnlyList<FioTest> Tests,
    IReadOnlyList<DiskSample> Samples,
    IReadOnlyDictionary<string, DiskGuestFacts> Facts,
    IReadOnlyDictionary<string, double> BootSeconds,
    IReadOnlyDictionary<string, string> ArgvEdits,
    int Rounds,
    int DiskMiB,
    string DiskFolder,
    string DiskFileSystem,
    string FioVersion,
    IReadOnlyList<string> LoadAverages);

/// <summary>
/// Figure 3: fio in the test guest on a fresh raw disk file attached to emulated IDE and to
/// synthetic SCSI (virtio-scsi), and the SCSI controller's settings. Every VM is started through
/// nubed once and paused; each round resumes one VM at a time, runs the tests, and pauses it
/// again, in an order that turns by one each round, so that every side sees the same machine.
/// </summary>
public sealed class DiskFigure(BenchOptions options, Workspace workspace)
{
    public static readonly DiskVariant[] AllVariants =
    [
        new("ide", "IDE (emulated), writeback", false, "writeback", false, 1, "emulated"),
        new("scsi", "SCSI (synthetic), writeback, iothread", true, "writeback", true, 1, "synthetic"),
        new("scsi-noiothread", "SCSI, writeback, no iothread", true, "writeback", false, 1, "tuning"),
        new("scsi-direct", "SCSI, direct, iothread", true, "direct", true, 1, "tuning"),
        new("ide-direct", "IDE, direct", false, "direct", false, 1, "tuning"),
        new("scsi-2cpu", "SCSI, writeback, iothread, 2 vCPUs (2 queues)", true, "writeback", true, 2, "tuning"),
        // Where the time goes (issue 13): the product's two sides as plain QEMU, then one change each.
        new("qemu-ide", "IDE, plain QEMU (nubed's argv, as root, no cgroup)", false, "writeback", false, 1, "plain") { Plain = true },
        new("qemu-scsi", "SCSI, plain QEMU (nubed's argv, as root, no cgroup)", true, "writeback", true, 1, "plain") { Plain = true },
        new("qemu-scsi-nopoll", "SCSI, plain QEMU, iothread without polling", true, "writeback", true, 1, "plain") { Plain = true, Edit = DiskArgvEdits.NoPolling },
        new("qemu-scsi-vq1024", "SCSI, plain QEMU, virtqueues 1024 deep", true, "writeback", true, 1, "plain") { Plain = true, Edit = DiskArgvEdits.DeepQueue },
        new("qemu-blk", "virtio-blk, plain QEMU, iothread", true, "writeback", true, 1, "plain") { Plain = true, Edit = DiskArgvEdits.VirtioBlk },
    ];

    /// <summary>The default set; <c>--disk-variants all</c> adds IDE direct and the 2-vCPU VM.</summary>
    public static readonly string[] DefaultKeys = ["ide", "scsi", "scsi-noiothread", "scsi-direct", "qemu-ide", "qemu-scsi", "qemu-scsi-nopoll", "qemu-scsi-vq1024", "qemu-blk"];

    public Task<DiskResult> RunAsync(CancellationToken ct) =>
        Nubed.MeasureWithAsync(workspace.Folder("fig3-nubed"), options.GuestDir, "fig3", MeasureAsync, ct);

    /// <summary>Figure 3's: the four, and 1 MiB sequential again at a deeper queue, where the synthetic controller's queueing shows.</summary>
    public IReadOnlyList<FioTest> Tests() =>
    [
        .. Tests(options),
        new("read-deep", $"1 MiB sequential read, queue depth {options.DeepSeqIoDepth}", "read", "1M", options.DeepSeqIoDepth, options.FioSeqSeconds, false),
        new("write-deep", $"1 MiB sequential write, queue depth {options.DeepSeqIoDepth}", "write", "1M", options.DeepSeqIoDepth, options.FioSeqSeconds, false),
    ];

    /// <summary>The four fio tests of figures 3 and 8.</summary>
    public static IReadOnlyList<FioTest> Tests(BenchOptions options) =>
    [
        new("randread", "4k random read", "randread", "4k", options.DiskIoDepth, options.FioSeconds, true),
        new("randwrite", "4k random write", "randwrite", "4k", options.DiskIoDepth, options.FioSeconds, true),
        new("read", "1 MiB sequential read", "read", "1M", options.SeqIoDepth, options.FioSeqSeconds, false),
        new("write", "1 MiB sequential write", "write", "1M", options.SeqIoDepth, options.FioSeqSeconds, false),
    ];

    private async Task<DiskResult> MeasureAsync(Nubed nubed, CancellationToken ct)
    {
        var client = nubed.Client;
        var variants = options.DiskVariants.Select(k => AllVariants.Single(v => v.Key == k)).ToList();
        var tests = Tests();
        // The images live on the work dir's file system (a real disk, not tmpfs: direct needs O_DIRECT).
        var images = Path.Combine(nubed.DataDir, "images");
        Directory.CreateDirectory(images);
        var fs = FileSystemOf(images);
        if (fs is "tmpfs" or "ramfs")
            throw new InvalidOperationException($"The work dir {workspace.Root} is on {fs}: figure 3 needs a real disk (pass --work-dir, or TMPDIR for run.sh).");
        var facts = new Dictionary<string, DiskGuestFacts>();
        var boots = new Dictionary<string, double>();
        var edits = new Dictionary<string, string>();
        var guests = new Dictionary<string, IDiskGuest>();
        var loads = new List<string> { Load() };
        var fioVersion = "?";
        try
        {
            foreach (var v in variants)
            {
                var image = Path.Combine(images, $"{v.Key}.raw");
                GuestVms.CreateRawDisk(image, options.DiskMiB);
                var created = await client.CreateVmAsync(options.GuestVm(v.Vm) with
                {
                    ProcessorCount = v.Cpus,
                    IdeDrives = v.Scsi ? null : [new IdeDriveSettings { Controller = 0, Location = 0, Media = "hardDisk", Path = image, Format = "raw", Cache = v.Cache }],
                    ScsiControllers = v.Scsi ? [new ScsiControllerSettings { IoThread = v.IoThread, Disks = [new ScsiDiskSettings { Location = 0, Path = image, Format = "raw", Cache = v.Cache }] }] : null,
                }, ct);
                if (v.Plain)
                {
                    // nubed keeps the VM stopped: it only stored the configuration that the twin's argv is built from.
                    var plain = await PlainQemu.TwinAsync(nubed, created.Summary.Id, workspace.Folder($"fig3-{v.Key}"), ct, v.Edit);
                    edits[v.Key] = plain.Edits;
                    (var guest, boots[v.Key]) = await PlainDiskGuest.BootAsync(plain, v.Vm, ct);
                    guests[v.Key] = guest;
                }
                else
                {
                    boots[v.Key] = await GuestVms.StartAsync(client, v.Vm, ct);
                    guests[v.Key] = new NubedDiskGuest(client, v.Vm);
                }
                (facts[v.Key], fioVersion) = await ProbeAsync(guests[v.Key], options.DiskMiB, ct);
                await WarmAsync(guests[v.Key], facts[v.Key].Device, ct);
                await guests[v.Key].PauseAsync(ct);
                Console.Error.WriteLine($"bench: fig3 {v.Key}: booted in {boots[v.Key]:0.0} s; {facts[v.Key]}");
            }

            var samples = new List<DiskSample>();
            for (var r = 0; r < options.DiskRounds; r++)
            {
                loads.Add(Load());
                for (var k = 0; k < variants.Count; k++)
                {
                    var v = variants[(k + r) % variants.Count];
                    var guest = guests[v.Key];
                    await guest.ResumeAsync(ct);
                    foreach (var t in tests)
                    {
                        var (value, runtime, cpu) = await RunFioAsync(guest, facts[v.Key].Device, t, ct);
                        samples.Add(new DiskSample(r, v.Key, t.Key, value, runtime, cpu));
                        Console.Error.WriteLine($"bench: fig3 round {r + 1}/{options.DiskRounds} {v.Key} {t.Key}: {value:0.0} {(t.Iops ? "IOPS" : "MB/s")}");
                    }
                    await guest.PauseAsync(ct);
                }
            }
            loads.Add(Load());
            return new DiskResult(variants, tests, samples, facts, boots, edits, options.DiskRounds, options.DiskMiB, images, fs, fioVersion, loads);
        }
        finally
        {
            foreach (var guest in guests.Values)
                await guest.DisposeAsync();
            await GuestVms.TurnOffAllAsync(client, variants.Where(v => !v.Plain).Select(v => v.Vm), CancellationToken.None);
        }
    }

    /// <summary>
    /// Which disk the guest got (the one of <paramref name="diskMiB"/> MiB), how deep its queue is,
    /// and fio's first run (it unpacks its libraries).
    /// </summary>
    public static async Task<(DiskGuestFacts Facts, string FioVersion)> ProbeAsync(IDiskGuest guest, int diskMiB, CancellationToken ct)
    {
        var sectors = (long)diskMiB * 2048;
        // sd* on IDE and SCSI, vd* on virtio-blk (which has no SCSI device: its depth is the block layer's, its driver the device's own).
        var probe = await guest.RunAsync(
            $"for b in /sys/block/sd* /sys/block/vd*; do [ -e $b/size ] && [ \"$(cat $b/size)\" = {sectors} ] && d=${{b##*/}}; done; [ -n \"$d\" ] || exit 7; " +
            "q=/sys/block/$d/queue; echo \"dev=$d\"; m=$(cat /sys/block/$d/device/model 2>/dev/null) && echo \"model=$(cat /sys/block/$d/device/vendor) $m\" || echo model=virtio-blk; " +
            "echo \"qd=$(cat /sys/block/$d/device/queue_depth 2>/dev/null || cat $q/nr_requests)\"; echo \"sched=$(cat $q/scheduler)\"; " +
            "echo \"req=$(cat $q/max_sectors_kb) KiB, $(cat $q/max_segments) segments\"; " +
            "echo \"driver=$(basename $(readlink /sys/block/$d/device/../../../driver 2>/dev/null || readlink /sys/block/$d/device/../../../../driver 2>/dev/null || readlink /sys/block/$d/device/driver))\"; " +
            "echo \"fio=$(fio --version)\"",
            TimeSpan.FromSeconds(60), ct);
        string Field(string name) => Regex.Match(probe, $"^{name}=(.*)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        return (new DiskGuestFacts($"/dev/{Field("dev")}", Regex.Replace(Field("model"), @"\s+", " "), Field("qd"), Field("sched"), Field("driver"), Field("req")), Field("fio"));
    }

    /// <summary>A short untimed write and read, so that the first measured round does not pay for first touches.</summary>
    public static Task WarmAsync(IDiskGuest guest, string device, CancellationToken ct) =>
        guest.RunAsync(Fio(device, new FioTest("warm", "", "randrw", "4k", 8, 2, true)), TimeSpan.FromSeconds(90), ct);

    /// <summary>fio's command line in the guest: libaio, O_DIRECT, time-based, the whole disk; prints only the lines of its JSON that are read.</summary>
    public static string Fio(string device, FioTest t) =>
        $"fio --name={t.Key} --filename={device} --ioengine=libaio --direct=1 --rw={t.Rw} --bs={t.BlockSize} --iodepth={t.IoDepth} " +
        $"--numjobs=1 --time_based --runtime={t.Seconds} --randrepeat=0 --norandommap --output-format=json " +
        "| grep -E '\"(iops|bw_bytes|runtime|usr_cpu|sys_cpu)\" :'";

    /// <summary>Runs one fio test in <paramref name="guest"/>; its IOPS or MB/s, fio's runtime and its processor use in the guest (%).</summary>
    public static async Task<(double Value, double RuntimeMs, double GuestCpu)> RunFioAsync(IDiskGuest guest, string device, FioTest t, CancellationToken ct)
    {
        var output = await guest.RunAsync(Fio(device, t), TimeSpan.FromSeconds(t.Seconds + 90), ct);
        // fio's JSON lists read, write and trim in that order, each with bw_bytes, iops and runtime.
        double[] Values(string key) => [.. Regex.Matches(output, $"\"{key}\" : ([0-9.]+)").Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
        var iops = Values("iops");
        var bw = Values("bw_bytes");
        var runtime = Values("runtime");
        var side = t.Reads ? 0 : 1;
        if (iops.Length < 2 || bw.Length < 2 || runtime.Length < 2)
            throw new InvalidOperationException($"fio's output in '{guest.Name}' lacks its figures: {output}");
        var value = t.Iops ? iops[side] : bw[side] / 1e6;
        if (value <= 0)
            throw new InvalidOperationException($"fio in '{guest.Name}' measured nothing for {t.Key}: {output}");
        var cpu = Values("usr_cpu").FirstOrDefault() + Values("sys_cpu").FirstOrDefault();
        return (value, runtime[side], cpu);
    }

    public static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>The file system type of the mount holding <paramref name="path"/> (the longest mount point that is a prefix).</summary>
    public static string FileSystemOf(string path)
    {
        var best = ("", "?");
        foreach (var line in File.ReadAllLines("/proc/mounts"))
        {
            var f = line.Split(' ');
            if (f.Length < 3)
                continue;
            var mount = f[1].Replace("\\040", " ");
            if ((path == mount || path.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal)) && mount.Length >= best.Item1.Length)
                best = (mount, f[2]);
        }
        return best.Item2;
    }
}
