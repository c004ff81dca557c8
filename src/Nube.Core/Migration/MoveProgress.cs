using System.Globalization;

namespace Nube.Core.Migration;

/// <summary>A live move's progress and result in the words of its job: passes, bytes, the guest's dirty rate, the pause.</summary>
public static class MoveProgress
{
    private const double MiB = 1024 * 1024;

    /// <summary>"copying memory, pass 2: 230 of 512 MiB sent, 40 MiB left, the guest dirties 3.1 MiB/s, expected pause 12 ms".</summary>
    public static string Describe(long transferred, long remaining, long total, long? dirtyPagesPerSecond, long? pageSize, long? pass, long? expectedDowntimeMs)
    {
        var text = $"copying memory{(pass is > 0 ? $", pass {pass}" : "")}: {Mib(transferred)} of {Mib(total)} MiB sent, {Mib(remaining)} MiB left";
        if (dirtyPagesPerSecond is > 0 && pageSize is > 0)
            text += $", the guest dirties {Mib(dirtyPagesPerSecond.Value * pageSize.Value)} MiB/s";
        if (expectedDowntimeMs is > 0)
            text += $", expected pause {expectedDowntimeMs} ms";
        return text;
    }

    /// <summary>The share of memory no longer waiting to be sent (the guest may dirty some again: it can go back).</summary>
    public static int? Percent(long remaining, long total) =>
        total > 0 ? (int)Math.Clamp((total - remaining) * 100 / total, 0, 100) : null;

    /// <summary>"Moved to b in 1.24 s; the VM was paused 14 ms; 512 MiB sent in 3 passes, encrypted."</summary>
    /// <summary>A shared-nothing move's first phase: the disks copied while the guest runs.</summary>
    public static string Disks(long done, long total) => $"copying the disks: {Mib(done)} of {Mib(total)} MiB";

    public static string Result(string destination, TimeSpan took, long? downtimeMs, long? transferred, long? passes, MoveRoute route) =>
        $"Moved to {destination} in {took.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s" +
        (downtimeMs is { } d ? $"; the VM was paused {d} ms" : "") +
        (transferred is { } t ? $"; {Mib(t)} MiB {(route == MoveRoute.SharedStorage ? "saved" : "sent")}{(passes is > 0 && route != MoveRoute.SharedStorage ? $" in {passes} pass{(passes == 1 ? "" : "es")}" : "")}" : "") +
        route switch
        {
            MoveRoute.Encrypted => ", encrypted.",
            MoveRoute.SharedStorage => " to the shared storage and restored from it.",
            _ => ", in the clear.",
        };

    private static string Mib(long bytes) => (bytes / MiB).ToString(bytes < 10 * MiB ? "0.#" : "0", CultureInfo.InvariantCulture);
}

/// <summary>How a move's memory went: streamed with TLS, streamed in the clear, or saved to and restored from shared storage (quick).</summary>
public enum MoveRoute
{
    Encrypted,
    InTheClear,
    SharedStorage,
}
