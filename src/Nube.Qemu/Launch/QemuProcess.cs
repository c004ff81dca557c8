using System.Diagnostics;

namespace Nube.Qemu.Launch;

/// <summary>
/// A running QEMU found by its pid. QEMU daemonizes, so it is not the service's child: liveness
/// is read from /proc, and a zombie that nobody reaps counts as gone.
/// </summary>
public sealed class QemuProcess(int pid, string marker) : IQemuProcess
{
    public int Pid { get; } = pid;

    /// <summary>The -name value this process must carry, so that a reused pid is never taken for the VM.</summary>
    public string Marker { get; } = marker;

    public bool IsAlive => IsAliveWithMarker(Pid, Marker);

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

    /// <summary>The process exists and is not a zombie: nobody may reap a daemonized QEMU.</summary>
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
