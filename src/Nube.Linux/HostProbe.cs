using System.Diagnostics;
using System.Text.RegularExpressions;
using Nube.Core.Hosts;

namespace Nube.Linux;

/// <summary>Reads the facts of this machine that the pure core takes as data.</summary>
public static partial class HostProbe
{
    /// <summary>The machine's facts; QemuVersion is left at 0.0.0 for the caller to fill in.</summary>
    public static async Task<HostFacts> ProbeAsync(CancellationToken ct = default)
    {
        var cpuinfo = await File.ReadAllTextAsync("/proc/cpuinfo", ct).ConfigureAwait(false);
        var meminfo = await File.ReadAllTextAsync("/proc/meminfo", ct).ConfigureAwait(false);
        return new HostFacts
        {
            LogicalProcessors = Environment.ProcessorCount,
            MemoryBytes = ParseMemTotal(meminfo),
            KvmUsable = CpuHasVirtualization(cpuinfo) && KvmDeviceOpens(),
            QemuVersion = new Version(0, 0, 0),
        };
    }

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
        var psi = new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi) ?? throw new QemuNotFoundException(qemuBinary);
        var output = await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        return ParseQemuVersion(output)
            ?? throw new InvalidOperationException($"Cannot read QEMU's version from '{path} --version': {output.Trim()}");
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

    [GeneratedRegex(@"version (\d+)\.(\d+)\.(\d+)")]
    private static partial Regex QemuVersionRegex();
}
