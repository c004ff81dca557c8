using System.Globalization;

namespace Nube.Linux.Processes;

/// <summary>
/// What one process has used, from the kernel's own accounting in <c>/proc</c>: processor time of
/// all its threads (dead ones included) and its resident memory now and at its peak.
/// </summary>
public sealed record ProcessUsage(TimeSpan ProcessorTime, long ResidentBytes, long PeakResidentBytes)
{
    /// <summary>
    /// The kernel reports times in USER_HZ ticks, which its ABI fixes at 100 a second whatever
    /// the kernel's own tick rate.
    /// </summary>
    private const int TicksPerSecond = 100;

    /// <summary>The process's usage, or null once it is gone.</summary>
    public static ProcessUsage? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After the parenthesised name: state is field 3, utime and stime fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long resident = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    resident = Kibibytes(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    peak = Kibibytes(line);
            }
            return new ProcessUsage(TimeSpan.FromSeconds((double)ticks / TicksPerSecond), resident, Math.Max(peak, resident));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>"VmRSS:	  123456 kB" in bytes.</summary>
    private static long Kibibytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
}
