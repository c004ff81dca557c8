namespace Nube.Linux.Cgroups;

/// <summary>
/// Where this host keeps its VMs' cgroups, below nubed's own cgroup (as libvirt keeps them below
/// its slice), so that whatever limits the service also bounds its VMs. cgroup v2 (one unified
/// hierarchy, users' hosts with systemd) or v1 (one hierarchy per controller, as on this build
/// machine), found from /proc/self/mountinfo and /proc/self/cgroup.
/// </summary>
/// <param name="Folders">Each controller's folder for the VMs' cgroups (v2: one folder for all, under the key "unified").</param>
public sealed record CgroupHierarchy(int Version, IReadOnlyDictionary<string, string> Folders)
{
    public const string Unified = "unified";
    private const string VmsFolder = "nube-vms";
    private static readonly string[] Controllers = ["cpu", "cpuacct", "memory", "pids"];

    /// <summary>The host's layout, or null when it has no usable cgroups (then VMs run without limits, and say so).</summary>
    public static CgroupHierarchy? Detect() =>
        Detect(File.ReadAllLines("/proc/self/mountinfo"), File.ReadAllLines("/proc/self/cgroup"));

    /// <summary>The pure part: from the lines of mountinfo and of /proc/self/cgroup.</summary>
    public static CgroupHierarchy? Detect(IEnumerable<string> mountinfo, IEnumerable<string> ownCgroups)
    {
        var own = ownCgroups.Select(l => l.Split(':', 3)).Where(p => p.Length == 3).ToList();
        var mounts = mountinfo.Select(Mount).OfType<(string Point, string Type, string[] Options)>().ToList();
        var folders = new Dictionary<string, string>();
        foreach (var controller in Controllers)
        {
            var mount = mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains(controller));
            var path = own.FirstOrDefault(p => p[1].Split(',').Contains(controller))?[2];
            if (mount.Point is not null && path is not null)
                folders[controller] = Path.Join(mount.Point, path, VmsFolder);
        }
        if (folders.ContainsKey("cpu") && folders.ContainsKey("memory") && folders.ContainsKey("pids"))
            return new CgroupHierarchy(1, folders);
        var unified = mounts.FirstOrDefault(m => m.Type == "cgroup2");
        var ownUnified = own.FirstOrDefault(p => p[0] == "0")?[2];
        if (unified.Point is null || ownUnified is null)
            return null;
        return new CgroupHierarchy(2, new Dictionary<string, string> { [Unified] = Path.Join(unified.Point, ownUnified, VmsFolder) });
    }

    /// <summary>One mountinfo line: mount point, file system type, and the super options (v1's controllers).</summary>
    private static (string Point, string Type, string[] Options)? Mount(string line)
    {
        var halves = line.Split(" - ", 2);
        if (halves.Length != 2)
            return null;
        var left = halves[0].Split(' ');
        var right = halves[1].Split(' ');
        return left.Length > 4 && right.Length > 2 ? (left[4], right[0], right[2].Split(',')) : null;
    }
}
