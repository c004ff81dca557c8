using System.Diagnostics;

namespace Nube.Qemu.Launch;

/// <summary>
/// A running QEMU found by its pid. It outlives the service that started it (then it is nobody's
/// child that nubed could wait for): liveness is read from /proc, and a zombie counts as gone.
/// </summary>
/// <param name="uid">The VM's own uid that the process must run as; null accepts any (a QEMU of an older Nube).</param>
public sealed class QemuProcess(int pid, string marker, uint? uid) : IQemuProcess
{
    public int Pid { get; } = pid;

    /// <summary>The -name value this process must carry, so that a reused pid is never taken for the VM.</summary>
    public string Marker { get; } = marker;

    public bool IsAlive => IsAliveWithMarker(Pid, Marker) && (uid is not { } u || RealUid(Pid) == u);

    /// <summary>
    /// The pid of a live process that carries the marker and runs as <paramref name="uid"/>, found
    /// in /proc: a QEMU started by a nubed that stopped before it wrote the pid down.
    /// </summary>
    public static int? FindByMarker(string marker, uint uid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && RealUid(pid) == uid && IsAliveWithMarker(pid, marker))
                return pid;
        return null;
    }

    /// <summary>The process's real uid, from /proc; null when it cannot be read.</summary>
    public static uint? RealUid(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line is not null && uint.TryParse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public DateTimeOffset? StartedAt
    {
        get
        {
            try { return new DateTimeOffset(Process.GetProcessById(Pid).StartTime.ToUniversalTime(), TimeSpan.Zero); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return null; }
        }
    }

    public static bool IsAliveWithMarker(int pid, string marker)
    {
        if (!IsRunning(pid))
            return false;
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return cmdline.Contains(marker) || cmdline.Any(a => a.StartsWith(marker + ",", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The process exists and is not a zombie: a QEMU that outlived the nubed that started it may never be reaped.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Field 3, after the parenthesised command name, is the state; Z and X are dead.
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Kill()
    {
        if (!IsAlive)
            return;
        try { Process.GetProcessById(Pid).Kill(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { /* already gone */ }
    }

    /// <summary>Waits until the process is gone; false when it is still alive at the deadline.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = Stopwatch.StartNew();
        while (IsAlive)
        {
            if (deadline.Elapsed >= timeout)
                return false;
            await Task.Delay(TimeSpan.FromMilliseconds(25), ct).ConfigureAwait(false);
        }
        return true;
    }
}
