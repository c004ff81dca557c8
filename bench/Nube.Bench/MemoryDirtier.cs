using System.Text.RegularExpressions;

namespace Nube.Bench;

/// <summary>
/// Shell commands for the test guest's console that keep its memory dirty at about a set rate, with
/// data QEMU cannot send cheaply: a tmpfs holds a chunk of random bytes (a tenth of a second's worth)
/// and a working area of one second's worth; a background loop copies the chunk over the next tenth
/// of the area, then sleeps 0.1 s. Each pass writes the same bytes where they were, so the area's
/// checksum never changes: after a move, a different checksum is memory the move corrupted.
/// </summary>
public sealed partial class MemoryDirtier(int mibPerSecond)
{
    private const string Folder = "/tmp/nbench-dirty";
    private const int Slices = 10;
    private int Chunk => Math.Max(1, mibPerSecond / Slices);

    /// <summary>What the loop writes per second (the sleeps aside: the copies' own time makes it a little less).</summary>
    public int MiBps => Chunk * Slices;

    /// <summary>Mounts the tmpfs, makes the chunk, fills the area once and prints its checksum.</summary>
    public string Setup =>
        $"mkdir -p {Folder} && mount -t tmpfs -o size={Chunk * (Slices + 1) + 8}m tmpfs {Folder} && " +
        $"dd if=/dev/urandom of={Folder}/chunk bs=1M count={Chunk} 2>/dev/null && {Pass("")} md5sum {Folder}/area";

    /// <summary>Starts the loop in the background; its pid goes to a file for <see cref="StopAndSum"/>.</summary>
    public string Start => $"( while :; do {Pass("sleep 0.1;")} done ) </dev/null >/dev/null 2>&1 & echo $! > {Folder}/pid";

    /// <summary>Ends the loop (a copy under way finishes, writing what was there) and prints the area's checksum.</summary>
    public static string StopAndSum => $"kill $(cat {Folder}/pid); sleep 0.3; md5sum {Folder}/area";

    /// <summary>The first MD5 checksum in the console's output, or null.</summary>
    public static string? Checksum(string output) => Md5().Match(output) is { Success: true } m ? m.Value : null;

    /// <summary>One pass over the area: the chunk copied to each of its tenths, <paramref name="pause"/> after each.</summary>
    private string Pass(string pause) =>
        $"i=0; while [ $i -lt {Slices} ]; do dd if={Folder}/chunk of={Folder}/area bs=1M seek=$((i*{Chunk})) conv=notrunc 2>/dev/null; i=$((i+1)); {pause} done;";

    [GeneratedRegex(@"\b[0-9a-f]{32}\b")]
    private static partial Regex Md5();
}
