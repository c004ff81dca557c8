using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Nube.Linux.Processes;

/// <summary>
/// Reaps the children <see cref="ProcessSpawner"/> started, each on a thread of its own blocked
/// in waitpid, and keeps how each ended. .NET reaps only the children its Process class started:
/// without this, every VM's QEMU that ends while nubed runs would stay a zombie.
/// </summary>
public static partial class ChildReaper
{
    private static readonly ConcurrentDictionary<int, TaskCompletionSource<string>> Endings = new();

    public static void Watch(int pid)
    {
        Endings[pid] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Wait(pid)) { IsBackground = true, Name = $"reaper-{pid}" };
        thread.Start();
    }

    /// <summary>
    /// How the child ended ("exited with code 1", "was killed by signal 9"), waiting up to
    /// <paramref name="wait"/> for the reaper (a process is seen gone a moment before it is
    /// reaped); null while it runs or when it is not one of ours.
    /// </summary>
    public static string? Ending(int pid, TimeSpan wait = default)
    {
        if (!Endings.TryGetValue(pid, out var ending))
            return null;
        return ending.Task.Wait(wait) ? ending.Task.Result : null;
    }

    private static void Wait(int pid)
    {
        int status;
        while (WaitPid(pid, out status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != EIntr)
                return;
        }
        var signal = status & 0x7f;
        Endings[pid].TrySetResult(signal == 0 ? $"exited with code {(status >> 8) & 0xff}" : $"was killed by signal {signal}");
    }

    private const int EIntr = 4;

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);
}
