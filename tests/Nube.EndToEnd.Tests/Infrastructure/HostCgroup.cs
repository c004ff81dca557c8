using Nube.Linux.Cgroups;

namespace Nube.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs a host's nubed in a cgroup of its own beside the test's, as each real host has its own:
/// two hosts on one machine would otherwise share the VMs' cgroups, and a VM moving between them
/// (the same id on both for a moment) would have one memory limit for its two QEMUs.
/// </summary>
public static class HostCgroup
{
    /// <summary>The command line that puts nubed's (appended) command line in the host's cgroups, given the host's folder.</summary>
    public static IReadOnlyList<string> Wrap(string root)
    {
        var folders = Folders(root);
        foreach (var folder in folders)
            Directory.CreateDirectory(folder);
        return ["/bin/sh", "-c", """while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 126; shift; done; shift; exec "$@" """, "host-cgroup",
            .. folders, "--"];
    }

    /// <summary>Takes the host's cgroups down once its processes are gone (what is still busy stays; the kernel keeps it empty).</summary>
    public static void Remove(string root)
    {
        foreach (var folder in Folders(root).Where(Directory.Exists))
            foreach (var dir in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Reverse().Append(folder))
            {
                try
                {
                    Directory.Delete(dir);
                }
                catch (IOException)
                {
                }
            }
    }

    private static List<string> Folders(string root)
    {
        var name = "nube-test-" + Path.GetFileName(root);
        // The test's own cgroups, where its nubed would have gone: the host's are their siblings.
        return CgroupHierarchy.Detect() is { } hierarchy
            ? [.. hierarchy.Folders.Values.Distinct().Select(f => Path.Join(Path.GetDirectoryName(f)!, name))]
            : [];
    }
}
