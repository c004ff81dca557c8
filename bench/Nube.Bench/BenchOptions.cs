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
    public bool Figure1 { get; init; } = true;
    public bool Figure2 { get; init; } = true;

    public const string Usage =
        "usage: Nube.Bench [--runs N] [--warmup N] [--cli-runs N] [--cli-warmup N] [--vms N] [--settle-ms MS]\n" +
        "                  [--work-dir DIR] [--out FILE] [--command TEXT] [--guest-dir DIR]\n" +
        "                  [--cli-published DIR] [--cli-build DIR] [--started-at UNIX_SECONDS] [--only fig1|fig2]\n" +
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
                "--only" => Value() switch
                {
                    "fig1" => o with { Figure2 = false },
                    "fig2" => o with { Figure1 = false },
                    var v => throw new ArgumentException($"--only: '{v}' is not fig1 or fig2."),
                },
                "-h" or "--help" => throw new ArgumentException(Usage),
                var a => throw new ArgumentException($"unknown argument '{a}'.\n{Usage}"),
            };
        }
        if (o.Figure2 && (o.CliPublishedDir is null || o.CliBuildDir is null))
            throw new ArgumentException($"figure 2 needs --cli-published and --cli-build.\n{Usage}");
        return o;
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
