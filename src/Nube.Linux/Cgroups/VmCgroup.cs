using Nube.Core.Vms;

namespace Nube.Linux.Cgroups;

/// <summary>
/// One VM's cgroup: made before its QEMU starts, with the VM's limits written, and its QEMU put
/// in it before it executes (see <see cref="ProcsFiles"/>), so that every page and thread QEMU
/// ever has is counted there. Named by the VM's id, never by its name.
/// </summary>
public sealed class VmCgroup(CgroupHierarchy hierarchy, Guid vm)
{
    private string Leaf => $"vm-{vm:D}";

    /// <summary>The VM's folder in each hierarchy it has (one under v2, one per controller under v1).</summary>
    public IReadOnlyList<string> Folders => [.. hierarchy.Folders.Values.Distinct().Select(f => Path.Join(f, Leaf))];

    /// <summary>Where a process is written to join the cgroup, in every hierarchy.</summary>
    public IReadOnlyList<string> ProcsFiles => [.. Folders.Select(f => Path.Join(f, "cgroup.procs"))];

    /// <summary>Makes the cgroup (or takes the one an earlier run left, empty) and writes the limits.</summary>
    /// <exception cref="IOException">The kernel refused a folder or a limit; the message names the file.</exception>
    public void Create(ResourceLimits limits)
    {
        if (hierarchy.Version == 2)
            EnableControllers(hierarchy.Folders[CgroupHierarchy.Unified]);
        foreach (var folder in Folders)
            Directory.CreateDirectory(folder);
        Apply(limits);
    }

    public void Apply(ResourceLimits limits)
    {
        if (hierarchy.Version == 2)
        {
            var folder = Path.Join(hierarchy.Folders[CgroupHierarchy.Unified], Leaf);
            Write(folder, "memory.max", $"{limits.MemoryBytes}");
            // Past the limit the kernel kills within the cgroup rather than swapping the VM out.
            Write(folder, "memory.swap.max", "0", optional: true);
            Write(folder, "pids.max", $"{limits.Pids}");
            Write(folder, "cpu.weight", $"{limits.CpuWeight}");
            Write(folder, "cpu.max", limits.CpuQuotaPercent is { } share ? $"{share * PeriodMicroseconds / 100} {PeriodMicroseconds}" : $"max {PeriodMicroseconds}");
            return;
        }
        var memory = Path.Join(hierarchy.Folders["memory"], Leaf);
        Write(memory, "memory.limit_in_bytes", $"{limits.MemoryBytes}");
        Write(Path.Join(hierarchy.Folders["pids"], Leaf), "pids.max", $"{limits.Pids}");
        var cpu = Path.Join(hierarchy.Folders["cpu"], Leaf);
        // v1's shares are 1024 for an ordinary process: weight 100 (Hyper-V's default) is that.
        Write(cpu, "cpu.shares", $"{Math.Max(2, limits.CpuWeight * 1024 / 100)}");
        Write(cpu, "cpu.cfs_period_us", $"{PeriodMicroseconds}");
        Write(cpu, "cpu.cfs_quota_us", limits.CpuQuotaPercent is { } quota ? $"{quota * PeriodMicroseconds / 100}" : "-1");
    }

    /// <summary>The scheduler's accounting period for the limit: 100 ms, the kernel's default.</summary>
    private const int PeriodMicroseconds = 100_000;

    /// <summary>Removes the cgroup once no process is left in it; a cgroup still in use stays (and is reused).</summary>
    public void Remove()
    {
        foreach (var folder in Folders)
        {
            try
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder);
            }
            catch (IOException)
            {
                // Busy: a process is still in it (the kernel refuses rmdir); the next start reuses it.
            }
        }
    }

    /// <summary>
    /// cgroup v2 hands a controller to children only when every folder above enables it, and a
    /// folder that holds processes cannot enable any: nubed first moves itself from its own folder
    /// (the service's, delegated by systemd's Delegate=yes) to a leaf beside the VMs' folder.
    /// </summary>
    private static void EnableControllers(string vmsFolder)
    {
        var parent = Path.GetDirectoryName(vmsFolder)!;
        if (File.ReadAllText(Path.Join(parent, "cgroup.procs")).Trim().Length > 0)
        {
            var leaf = Path.Join(parent, "nubed-service");
            Directory.CreateDirectory(leaf);
            Write(leaf, "cgroup.procs", $"{Environment.ProcessId}");
        }
        Directory.CreateDirectory(vmsFolder);
        Write(parent, "cgroup.subtree_control", "+cpu +memory +pids");
        Write(vmsFolder, "cgroup.subtree_control", "+cpu +memory +pids");
    }

    private static void Write(string folder, string file, string value, bool optional = false)
    {
        var path = Path.Join(folder, file);
        if (optional && !File.Exists(path))
            return;
        try
        {
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write {value} to {path}: {e.Message}", e);
        }
    }
}
