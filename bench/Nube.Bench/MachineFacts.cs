using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Nube.Bench;

public sealed record MachineFacts(int Cores, string CpuModel, double MemoryGiB, string Kernel, string Qemu, string Dotnet, string Guest)
{
    public static MachineFacts Read(string guestDir)
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
            $"{guestDir} (kernel {(kernelVersion.Length > 0 ? kernelVersion : "?")}, PVH vmlinux + initrd, qemu-ga in the guest)");
    }

    private static string Safe(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }
}
