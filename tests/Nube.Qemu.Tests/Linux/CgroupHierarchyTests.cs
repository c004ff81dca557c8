using Nube.Linux.Cgroups;

namespace Nube.Qemu.Tests.Linux;

/// <summary>Where the VMs' cgroups go, read from mountinfo and the service's own cgroups.</summary>
public sealed class CgroupHierarchyTests
{
    private static readonly string[] V1Mounts =
    [
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
    ];

    [Fact]
    public void Under_cgroup_v1_each_controller_has_its_folder_below_the_services_own_cgroup()
    {
        var own = new[] { "4:memory:/system.slice/nubed.service", "3:pids:/", "2:cpu,cpuacct:/system.slice", "0::/system.slice/nubed.service" };
        var layout = CgroupHierarchy.Detect(V1Mounts, own)!;
        Assert.Equal(1, layout.Version);
        Assert.Equal("/sys/fs/cgroup/memory/system.slice/nubed.service/nube-vms", layout.Folders["memory"]);
        Assert.Equal("/sys/fs/cgroup/pids/nube-vms", layout.Folders["pids"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/system.slice/nube-vms", layout.Folders["cpu"]);
        var vm = new VmCgroup(layout, Guid.Parse("6f1c1b3e-2a4d-4c8e-9b1f-0123456789ab"));
        Assert.Equal([
            "/sys/fs/cgroup/cpu,cpuacct/system.slice/nube-vms/vm-6f1c1b3e-2a4d-4c8e-9b1f-0123456789ab/cgroup.procs",
            "/sys/fs/cgroup/memory/system.slice/nubed.service/nube-vms/vm-6f1c1b3e-2a4d-4c8e-9b1f-0123456789ab/cgroup.procs",
            "/sys/fs/cgroup/pids/nube-vms/vm-6f1c1b3e-2a4d-4c8e-9b1f-0123456789ab/cgroup.procs",
        ], vm.ProcsFiles.Order());
    }

    [Fact]
    public void Under_cgroup_v2_one_folder_below_the_service_holds_every_VM()
    {
        string[] mounts = ["30 23 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot"];
        var layout = CgroupHierarchy.Detect(mounts, ["0::/system.slice/nubed.service"])!;
        Assert.Equal(2, layout.Version);
        Assert.Equal("/sys/fs/cgroup/system.slice/nubed.service/nube-vms", layout.Folders[CgroupHierarchy.Unified]);
        Assert.Equal(["/sys/fs/cgroup/system.slice/nubed.service/nube-vms/vm-00000000-0000-0000-0000-000000000001/cgroup.procs"],
            new VmCgroup(layout, Guid.Parse("00000000-0000-0000-0000-000000000001")).ProcsFiles);
    }

    [Fact]
    public void A_host_without_the_controllers_has_no_layout()
    {
        Assert.Null(CgroupHierarchy.Detect(["31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw"], ["0::/"]));
        // v1 without pids, and no v2: not enough to bound a VM.
        Assert.Null(CgroupHierarchy.Detect(V1Mounts.Where(m => !m.Contains("pids") && !m.Contains("cgroup2")), ["4:memory:/", "2:cpu,cpuacct:/"]));
    }
}
