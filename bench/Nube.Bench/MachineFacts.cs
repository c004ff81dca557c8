using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Nube.Bench;

public sealed record MachineFacts(int Cores, string CpuModel, double MemoryGiB, string Kernel, string Qemu, string Dotnet, string Guest,
    string LoadAverage, int OtherQemus)
{
    /// <summary>QEMU processes on the machine that the bench did not start (they compete for the 2 cores).</summary>
    public static int CountOtherQemus(string? benchRoot)
    {
        var n = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
                continue;
            var cmdline = Safe(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            if (cmdline.StartsWith("qemu-system", StringComparison.Ordinal) || cmdline.Contains("/qemu-system", StringComparison.Ordinal))
                if (benchRoot is null || !cmdline.Contains(benchRoot, StringComparison.Ordinal))
                    n++;
        }
        return n;
    }

    public static MachineFacts Read(string guestDir, string benchRoot)
    {
        var cpuinfo = Safe("/proc/cpuinfo");
        var model = Regex.Match(cpuinfo, @"^model name\s*:\s*(.+)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        var memKb = Regex.Match(Safe("/proc/meminfo"), @"^MemTotal:\s*(\d+)", RegexOptions.Multiline).Groups[1].Value;
        var kernelVersion = Regex.Match(Safe(Path.Combine(guestDir, "manifest.json")), "\"kernelVersion\":\\s*\"([^\"]+)\"").Groups[1].Value;
        return new MachineFacts(
            Environment.ProcessorCount,
            model.Length > 0 ? model : "unknown",
            long.TryParse(memKb, out var kb) ? kb / 1024.0 / 1024.0 : 0,
            Safe("/proc/sys/kernel/osrelease").Trim(),
            ProcessTools.FirstLine("qemu-system-x86_64", "--version"),
            RuntimeInformation.FrameworkDescription,
            $"{guestDir} (kernel {(kernelVersion.Length > 0 ? kernelVersion : "?")}, PVH vmlinux + initrd, qemu-ga in the guest)",
            string.Join(' ', Safe("/proc/loadavg").Split(' ').Take(3)),
            CountOtherQemus(benchRoot));
    }

    private static string Safe(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
