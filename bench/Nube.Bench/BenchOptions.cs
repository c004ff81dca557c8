namespace Nube.Bench;

/// <summary>The runner's command line; <c>bench/run.sh</c> passes its own arguments through.</summary>
public sealed record BenchOptions
{
    /// <summary>Measured rounds of figure 1 (each boots the guest once under Nube and once under plain QEMU).</summary>
    public int Runs { get; init; } = 10;
    /// <summary>Rounds run first and reported apart, so that one-time costs (JIT, page cache) fall outside the figure.</summary>
    public int Warmup { get; init; } = 1;
    public int CliRuns { get; init; } = 30;
    public int CliWarmup { get; init; } = 2;
    public int VmCount { get; init; } = 256;
    /// <summary>Pause after each VM is gone, before the next boot, so that both sides start from a quiet machine.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(1);
    public string? WorkDir { get; init; }
    public string Output { get; init; } = "bench/results/latest.md";
    public string Command { get; init; } = "bench/run.sh";
    public string GuestDir { get; init; } = Environment.GetEnvironmentVariable("NUBE_GUEST_DIR") ?? "/var/cache/nube/guest";
    /// <summary>Figure 2's product: the CLI published as scripts/demo.sh does (run.sh publishes it).</summary>
    public string? CliPublishedDir { get; init; }
    /// <summary>Figure 2's comparison: the CLI's unpublished Release build output (IL, JIT).</summary>
    public string? CliBuildDir { get; init; }
    /// <summary>Unix time (seconds) at which run.sh started, to report the whole run's duration.</summary>
    public double? StartedAtUnix { get; init; }
    /// <summary>Every figure this runner measures (figure 6, the web console's, is bench/web's).</summary>
    public static readonly IReadOnlySet<int> AllFigures = new HashSet<int> { 1, 2, 3, 4, 5, 7, 8, 9, 10 };
    /// <summary>The figures to run (1 to 5, 7 to 10); <c>--only</c> picks some, e.g. <c>--only fig3,fig4</c>.</summary>
    public IReadOnlySet<int> Figures { get; init; } = AllFigures;
    public bool Figure1 => Figures.Contains(1);
    public bool Figure2 => Figures.Contains(2);
    public bool Figure3 => Figures.Contains(3);
    public bool Figure4 => Figures.Contains(4);
    public bool Figure5 => Figures.Contains(5);
    public bool Figure7 => Figures.Contains(7);
    public bool Figure8 => Figures.Contains(8);
    public bool Figure9 => Figures.Contains(9);
    public bool Figure10 => Figures.Contains(10);

    /// <summary>Figure 1's second Nube: another build's nubed.dll (the one before a change), booted in the same rounds.</summary>
    public string? BaselineNubed { get; init; }

    /// <summary>Figure 7: idle VMs metered, the idle window, and the readings asked for in a burst.</summary>
    public int MeterVms { get; init; } = 2;
    public int MeterWindowSeconds { get; init; } = 30;
    public int MeterReadings { get; init; } = 200;

    // Figure 3 (disk).
    public int DiskRounds { get; init; } = 3;
    /// <summary>4k random tests' queue depth: deep enough for a queueing controller to show it, as a server's load does.</summary>
    public int DiskIoDepth { get; init; } = 32;
    public int SeqIoDepth { get; init; } = 4;
    /// <summary>Figure 3's second sequential pair: deep enough that queueing, which only the synthetic controller has, can matter.</summary>
    public int DeepSeqIoDepth { get; init; } = 16;
    public int FioSeconds { get; init; } = 10;
    public int FioSeqSeconds { get; init; } = 5;
    public int DiskMiB { get; init; } = 1024;
    public IReadOnlyList<string> DiskVariants { get; init; } = DiskFigure.DefaultKeys;

    // Figure 8 (disk formats and checkpoint layers; the fio tests and disk size are figure 3's).
    public int FormatRounds { get; init; } = 2;

    // Figure 9 (hot add and remove of a SCSI disk).
    public int HotPlugRounds { get; init; } = 10;

    // Figure 10 (moving a running VM between two hosts).
    public int MigrationRounds { get; init; } = 3;
    /// <summary>What the guest writes per second in the dirtying runs (non-zero data, over a working set of as many MiB).</summary>
    public int MigrationDirtyMiBps { get; init; } = 100;
    /// <summary>The guests' memory sizes, one guest each.</summary>
    public IReadOnlyList<int> MigrationMemoryMiB { get; init; } = [512, 2048];
    /// <summary>The issue's soak: live moves of the 512 MiB guest, dirtying, one after the other under Nube (0: none).</summary>
    public int MigrationBackToBack { get; init; } = 20;

    // Figure 4 (network).
    public int NetRounds { get; init; } = 3;
    public int IperfSeconds { get; init; } = 8;
    public IReadOnlyList<string> NetVariants { get; init; } = NetworkFigure.DefaultKeys;

    // Figure 5 (heartbeat).
    public int HeartbeatVms { get; init; } = 16;
    public int HeartbeatVmMiB { get; init; } = 256;
    public int HeartbeatWindowSeconds { get; init; } = 60;
    public int HeartbeatRounds { get; init; } = 2;
    public int LostRounds { get; init; } = 3;

    public const string Usage =
        "usage: Nube.Bench [--runs N] [--warmup N] [--cli-runs N] [--cli-warmup N] [--vms N] [--settle-ms MS]\n" +
        "                  [--work-dir DIR] [--out FILE] [--command TEXT] [--guest-dir DIR]\n" +
        "                  [--cli-published DIR] [--cli-build DIR] [--started-at UNIX_SECONDS] [--only figN[,figM...]]\n" +
        "  fig3: [--disk-rounds N] [--disk-iodepth N] [--seq-iodepth N] [--deep-seq-iodepth N] [--fio-seconds S] [--fio-seq-seconds S] [--disk-mib N]\n" +
        "        [--disk-variants all|KEY,KEY...] (ide, scsi, scsi-noiothread, scsi-direct, ide-direct, scsi-2cpu,\n" +
        "        qemu-ide, qemu-scsi, qemu-scsi-nopoll, qemu-scsi-vq1024, qemu-blk: plain QEMU twins)\n" +
        "  fig8: [--fmt-rounds N] (and fig3's fio and disk size options)\n" +
        "  fig9: [--hp-rounds N]\n" +
        "  fig10: [--mig-rounds N] [--mig-dirty-mibps N] [--mig-mib N[,N...]] (the guests' memory, 512,2048 by default)\n" +
        "         [--mig-back-to-back N] (live moves of the 512 MiB guest, dirtying, one after the other; 20 by default, 0 for none)\n" +
        "  fig4: [--net-rounds N] [--iperf-seconds S] [--net-variants all|KEY,KEY...] (tulip, e1000, virtio, virtio-2cpu, virtio-2cpu-2streams, virtio-switch, tulip-pair, virtio-pair)\n" +
        "  fig1: [--baseline-nubed PATH/nubed.dll] (another build's nubed, booted in the same rounds)\n" +
        "  fig5: [--hb-vms N] [--hb-vm-mib N] [--hb-window S] [--hb-rounds N] [--lost-rounds N]\n" +
        "  fig7: [--meter-vms N] [--meter-window S] [--meter-readings N]\n" +
        "figure 2 needs --cli-published and --cli-build (bench/run.sh passes both)";

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            int Count(int min) => int.TryParse(Value(), out var n) && n >= min
                ? n : throw new ArgumentException($"{args[i - 1]}: '{args[i]}' is not a whole number >= {min}.");
            o = args[i] switch
            {
                "--runs" => o with { Runs = Count(1) },
                "--warmup" => o with { Warmup = Count(0) },
                "--cli-runs" => o with { CliRuns = Count(1) },
                "--cli-warmup" => o with { CliWarmup = Count(0) },
                "--vms" => o with { VmCount = Count(1) },
                "--settle-ms" => o with { Settle = TimeSpan.FromMilliseconds(Count(0)) },
                "--work-dir" => o with { WorkDir = Value() },
                "--out" => o with { Output = Value() },
                "--command" => o with { Command = Value() },
                "--guest-dir" => o with { GuestDir = Value() },
                "--cli-published" => o with { CliPublishedDir = Value() },
                "--cli-build" => o with { CliBuildDir = Value() },
                "--started-at" => o with { StartedAtUnix = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                "--only" => o with { Figures = ParseFigures(Value()) },
                "--disk-rounds" => o with { DiskRounds = Count(1) },
                "--disk-iodepth" => o with { DiskIoDepth = Count(1) },
                "--seq-iodepth" => o with { SeqIoDepth = Count(1) },
                "--deep-seq-iodepth" => o with { DeepSeqIoDepth = Count(1) },
                "--fio-seconds" => o with { FioSeconds = Count(1) },
                "--fio-seq-seconds" => o with { FioSeqSeconds = Count(1) },
                "--disk-mib" => o with { DiskMiB = Count(64) },
                "--disk-variants" => o with { DiskVariants = Keys(Value(), "--disk-variants", DiskFigure.AllVariants.Select(v => v.Key)) },
                "--fmt-rounds" => o with { FormatRounds = Count(1) },
                "--hp-rounds" => o with { HotPlugRounds = Count(1) },
                "--mig-rounds" => o with { MigrationRounds = Count(1) },
                "--mig-dirty-mibps" => o with { MigrationDirtyMiBps = Count(10) },
                "--mig-mib" => o with { MigrationMemoryMiB = Sizes(Value(), "--mig-mib") },
                "--mig-back-to-back" => o with { MigrationBackToBack = Count(0) },
                "--net-rounds" => o with { NetRounds = Count(1) },
                "--iperf-seconds" => o with { IperfSeconds = Count(2) },
                "--net-variants" => o with { NetVariants = Keys(Value(), "--net-variants", NetworkFigure.AllVariants.Select(v => v.Key)) },
                "--hb-vms" => o with { HeartbeatVms = Count(1) },
                "--hb-vm-mib" => o with { HeartbeatVmMiB = Count(128) },
                "--hb-window" => o with { HeartbeatWindowSeconds = Count(5) },
                "--hb-rounds" => o with { HeartbeatRounds = Count(1) },
                "--lost-rounds" => o with { LostRounds = Count(0) },
                "--baseline-nubed" => o with { BaselineNubed = Path.GetFullPath(Value()) },
                "--meter-vms" => o with { MeterVms = Count(1) },
                "--meter-window" => o with { MeterWindowSeconds = Count(5) },
                "--meter-readings" => o with { MeterReadings = Count(10) },
                "-h" or "--help" => throw new ArgumentException(Usage),
                var a => throw new ArgumentException($"unknown argument '{a}'.\n{Usage}"),
            };
        }
        if (o.DiskVariants.Count < 2 || !o.DiskVariants.Contains("ide") || !o.DiskVariants.Contains("scsi"))
            throw new ArgumentException("--disk-variants must hold ide and scsi (the figure's two sides).");
        if (!o.NetVariants.Contains("tulip") || !o.NetVariants.Contains("virtio"))
            throw new ArgumentException("--net-variants must hold tulip and virtio (the figure's two sides).");
        // The guest keeps its working set and one chunk of it in a tmpfs: both must fit beside the initramfs in the smallest guest.
        if (o.MigrationDirtyMiBps * 11 / 10 > o.MigrationMemoryMiB.Min() / 2)
            throw new ArgumentException($"--mig-dirty-mibps {o.MigrationDirtyMiBps}: the guest keeps 1.1 times as many MiB in a tmpfs, more than half of the smallest guest ({o.MigrationMemoryMiB.Min()} MiB).");
        if (o.Figure2 && (o.CliPublishedDir is null || o.CliBuildDir is null))
            throw new ArgumentException($"figure 2 needs --cli-published and --cli-build.\n{Usage}");
        return o;
    }

    private static HashSet<int> ParseFigures(string value)
    {
        var set = new HashSet<int>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("fig", StringComparison.Ordinal) && int.TryParse(part[3..], System.Globalization.NumberStyles.None, null, out var n)
                && AllFigures.Contains(n) && part[3] != '0')
                set.Add(n);
            else
                throw new ArgumentException($"--only: '{part}' is not one of fig1 ... fig5, fig7 ... fig10.");
        }
        return set.Count > 0 ? set : throw new ArgumentException("--only needs at least one figure.");
    }

    private static List<int> Sizes(string value, string option)
    {
        var sizes = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            sizes.Add(int.TryParse(part, out var mib) && mib >= 256 ? mib : throw new ArgumentException($"{option}: '{part}' is not a memory size in MiB >= 256."));
        return sizes.Count > 0 ? [.. sizes.Distinct().Order()] : throw new ArgumentException($"{option} needs at least one size.");
    }

    private static List<string> Keys(string value, string option, IEnumerable<string> known)
    {
        var all = known.ToList();
        if (value == "all")
            return all;
        var keys = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        foreach (var k in keys.Where(k => !all.Contains(k)))
            throw new ArgumentException($"{option}: '{k}' is not one of {string.Join(", ", all)} (or all).");
        // In the table's order, whatever the order given.
        return [.. all.Where(keys.Contains)];
    }

    /// <summary>A VM that boots the test guest from its kernel and initrd, as every figure uses.</summary>
    public Nube.Contracts.Vms.VmSettings GuestVm(string name) => new()
    {
        Name = name,
        MemoryStartupMiB = 512,
        ProcessorCount = 1,
        Boot = new Nube.Contracts.Vms.BootSettings
        {
            Kind = "kernel",
            Kernel = Path.Combine(GuestDir, "vmlinux"),
            Initrd = Path.Combine(GuestDir, "initrd.img"),
            CommandLine = "console=ttyS0",
        },
    };
}
