using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Core.Hosts;

namespace Nube.Linux;

/// <summary>Reads the facts of this machine that the pure core takes as data.</summary>
public static partial class HostProbe
{
    /// <summary>The kernel's list of online CPUs, e.g. "0-3,8-11".</summary>
    public const string OnlineCpusPath = "/sys/devices/system/cpu/online";

    /// <summary>The machine's facts; QemuVersion is left at 0.0.0 for the caller to fill in.</summary>
    public static async Task<HostFacts> ProbeAsync(CancellationToken ct = default)
    {
        var cpuinfo = await File.ReadAllTextAsync("/proc/cpuinfo", ct).ConfigureAwait(false);
        var meminfo = await File.ReadAllTextAsync("/proc/meminfo", ct).ConfigureAwait(false);
        return new HostFacts
        {
            LogicalProcessors = await OnlineProcessorsAsync(cpuinfo, ct).ConfigureAwait(false),
            MemoryBytes = ParseMemTotal(meminfo),
            KvmUsable = CpuHasVirtualization(cpuinfo) && KvmDeviceOpens(),
            QemuVersion = new Version(0, 0, 0),
            BootId = (await File.ReadAllTextAsync("/proc/sys/kernel/random/boot_id", ct).ConfigureAwait(false)).Trim(),
            ProcessorName = ProcessorName(cpuinfo),
        };
    }

    /// <summary>
    /// The host's online logical processors, which edition limits count. Not
    /// Environment.ProcessorCount: that is this process's share (CPU affinity, cgroup quota).
    /// Without sysfs, the processor entries of /proc/cpuinfo.
    /// </summary>
    private static async Task<int> OnlineProcessorsAsync(string cpuinfo, CancellationToken ct)
    {
        string online;
        try
        {
            online = await File.ReadAllTextAsync(OnlineCpusPath, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            var processors = CountCpuinfoProcessors(cpuinfo);
            return processors > 0
                ? processors
                : throw new InvalidOperationException($"Cannot count the host's CPUs: {OnlineCpusPath} is missing and /proc/cpuinfo has no processor lines.");
        }
        return ParseCpuList(online);
    }

    /// <summary>
    /// Counts the CPUs of a kernel CPU list (cpulist format, as in /sys/devices/system/cpu/online):
    /// "0-1" is 2, "0-3,8-11" is 8, "5" is 1; a trailing newline is allowed.
    /// </summary>
    /// <exception cref="FormatException">The text is not a list of ascending, disjoint CPU numbers and ranges.</exception>
    public static int ParseCpuList(string cpuList)
    {
        ArgumentNullException.ThrowIfNull(cpuList);
        var text = cpuList.EndsWith('\n') ? cpuList[..^1] : cpuList;
        var count = 0;
        var next = 0; // the lowest CPU number the next range may start at
        foreach (var range in text.Split(','))
        {
            var bounds = range.Split('-');
            if (bounds.Length > 2 || !TryParseCpu(bounds[0], out var first) || !TryParseCpu(bounds[^1], out var last)
                || last < first || first < next)
                throw new FormatException(
                    $"The CPU list '{Escape(cpuList)}' is not a list of ascending CPU numbers and ranges such as '0-3,8-11'.");
            count += last - first + 1;
            next = last + 1;
        }
        return count;
    }

    /// <summary>The first processor's model name in /proc/cpuinfo, or empty.</summary>
    public static string ProcessorName(string cpuinfo) =>
        ModelNameRegex().Match(cpuinfo) is { Success: true } m ? Regex.Replace(m.Groups[1].Value.Trim(), @"\s+", " ") : "";

    /// <summary>The processor entries of /proc/cpuinfo: one per logical processor the kernel brought up.</summary>
    public static int CountCpuinfoProcessors(string cpuinfo) => CpuinfoProcessorRegex().Count(cpuinfo);

    private static bool TryParseCpu(string text, out int cpu) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu < int.MaxValue;

    private static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));

    public static long ParseMemTotal(string meminfo)
    {
        var m = MemTotalRegex().Match(meminfo);
        if (!m.Success)
            throw new InvalidOperationException("/proc/meminfo has no MemTotal line.");
        return long.Parse(m.Groups[1].Value) * 1024;
    }

    public static bool CpuHasVirtualization(string cpuinfo) => VirtFlagRegex().IsMatch(cpuinfo);

    private static bool KvmDeviceOpens()
    {
        try
        {
            using var kvm = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Runs <c>QEMU --version</c>; a missing binary is a clear error, not a crash.</summary>
    public static async Task<Version> QemuVersionAsync(string qemuBinary, CancellationToken ct = default)
    {
        var path = ExecutableSearch.Find(qemuBinary) ?? throw new QemuNotFoundException(qemuBinary);
        var output = (await Processes.ProcessRunner.RunAsync(new(path, ["--version"]), ct).ConfigureAwait(false)).Stdout;
        return ParseQemuVersion(output)
            ?? throw new InvalidOperationException($"Cannot read QEMU's version from '{path} --version': {output.Trim()}");
    }

    /// <summary>Runs <c>QEMU -machine help</c>; no machine is started.</summary>
    public static async Task<QemuMachines> QemuMachinesAsync(string qemuBinary, CancellationToken ct = default)
    {
        var path = ExecutableSearch.Find(qemuBinary) ?? throw new QemuNotFoundException(qemuBinary);
        return QemuMachines.Parse((await Processes.ProcessRunner.RunAsync(new(path, ["-machine", "help"]), ct).ConfigureAwait(false)).Stdout);
    }

    public static Version? ParseQemuVersion(string versionOutput)
    {
        var m = QemuVersionRegex().Match(versionOutput);
        return m.Success ? new Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)) : null;
    }

    [GeneratedRegex(@"^MemTotal:\s+(\d+) kB", RegexOptions.Multiline)]
    private static partial Regex MemTotalRegex();

    [GeneratedRegex(@"^flags\s*:.*\b(vmx|svm)\b", RegexOptions.Multiline)]
    private static partial Regex VirtFlagRegex();

    [GeneratedRegex(@"^processor\s*:", RegexOptions.Multiline)]
    private static partial Regex CpuinfoProcessorRegex();

    [GeneratedRegex(@"^model name\s*:(.*)$", RegexOptions.Multiline)]
    private static partial Regex ModelNameRegex();

    [GeneratedRegex(@"version (\d+)\.(\d+)\.(\d+)")]
    private static partial Regex QemuVersionRegex();
}
