using System.Diagnostics;

namespace Nube.Bench;

/// <summary>
/// The run's temporary root. Everything the bench starts lives below it, so that cleanup can
/// find every QEMU by its pidfile (and check, by the root in its command line, that the pid is
/// still ours) and then remove the whole tree.
/// </summary>
public sealed class Workspace
{
    public string Root { get; }
    private readonly bool owned;

    public Workspace(string? dir)
    {
        owned = dir is null;
        Root = dir is null ? Directory.CreateTempSubdirectory("nube-bench-").FullName : Path.GetFullPath(dir);
        Directory.CreateDirectory(Root);
        // QEMU drops to its own user and must traverse to the VM folders below, as under /var/lib/nube.
        File.SetUnixFileMode(Root, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Kills every QEMU whose pidfile lies below the root; returns how many were still running.</summary>
    public int KillStrayQemus()
    {
        var killed = 0;
        foreach (var pidFile in Directory.EnumerateFiles(Root, "pid", SearchOption.AllDirectories))
        {
            if (!int.TryParse(SafeRead(pidFile)?.Trim(), out var pid) || !ProcessTools.IsAlive(pid))
                continue;
            if (!(SafeRead($"/proc/{pid}/cmdline") ?? "").Contains(Root, StringComparison.Ordinal))
                continue; // the pid was reused by something that is not ours
            ProcessTools.Kill(pid);
            killed++;
        }
        return killed;
    }

    public void Remove()
    {
        KillStrayQemus();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (Directory.Exists(Root))
                    Directory.Delete(Root, recursive: true);
                return;
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                Thread.Sleep(200); // a QEMU that was just killed may still hold its log open
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"bench: could not remove {Root}: {e.Message}");
                return;
            }
        }
    }

    public bool Owned => owned;

    private static string? SafeRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
