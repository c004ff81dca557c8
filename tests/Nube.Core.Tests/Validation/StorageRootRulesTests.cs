using System.Collections.Immutable;
using Nube.Core.Hosts;
using Nube.Core.Validation;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Validation;

public class StorageRootRulesTests
{
    private static readonly string[] Roots = ["/var/lib/nube", "/var/lib/nube/images"];

    private const string Advice = "put the file under one of them or add a root with 'nube host set --storage-root'";

    private static VmConfig Vm(string kernel) =>
        TestVms.KernelBoot() with { Boot = new BootSource { Kind = BootKind.Kernel, Kernel = kernel } };

    private static IReadOnlyList<ValidationError> Check(VmConfig vm) => StorageRootRules.Check(vm, Roots);

    [Fact]
    public void Paths_inside_a_root_are_fine()
    {
        var vm = TestVms.KernelBoot() with
        {
            Boot = new BootSource { Kind = BootKind.Kernel, Kernel = "/var/lib/nube/images/vmlinux", Initrd = "/var/lib/nube/vms/x/initrd" },
            IdeDrives = [new IdeDrive { Path = "/var/lib/nube/images//sub/./disk.qcow2" }, new IdeDrive { Location = 1, Media = DriveMedia.Dvd }],
            ScsiControllers = [new ScsiController { Disks = [new ScsiDisk { Path = "/var/lib/nube/images/data.raw" }] }],
        };
        Assert.Empty(Check(vm));
    }

    [Fact]
    public void A_path_outside_every_root_is_refused_with_the_roots_and_what_to_do()
    {
        var error = Assert.Single(Check(Vm("/etc/shadow")));
        Assert.Equal($"boot.kernel: '/etc/shadow' is outside the host's storage roots (/var/lib/nube, /var/lib/nube/images); {Advice}", error.Message);
        Assert.Equal("boot.kernel", error.Field);
        Assert.Equal("/etc/shadow", error.Value);
    }

    [Fact]
    public void Dot_dot_cannot_climb_out_of_a_root_and_the_message_says_where_the_path_leads()
    {
        Assert.Equal(
            $"boot.kernel: '/var/lib/nube/images/../../etc/x' (that is /var/lib/etc/x) is outside the host's storage roots (/var/lib/nube, /var/lib/nube/images); {Advice}",
            Assert.Single(Check(Vm("/var/lib/nube/images/../../etc/x"))).Message);
    }

    [Fact]
    public void A_root_does_not_contain_a_sibling_that_shares_its_prefix()
    {
        var error = Assert.Single(StorageRootRules.Check(Vm("/srv/vmsx/kernel"), ["/srv/vms"]));
        Assert.Equal($"boot.kernel: '/srv/vmsx/kernel' is outside the host's storage roots (/srv/vms); {Advice}", error.Message);
    }

    [Fact]
    public void Roots_are_normalised_and_repeats_shown_once()
    {
        Assert.Empty(StorageRootRules.Check(Vm("/srv/vms/k"), ["/srv//vms/"]));
        Assert.Equal($"boot.kernel: '/etc/k' is outside the host's storage roots (/srv/vms); {Advice}",
            Assert.Single(StorageRootRules.Check(Vm("/etc/k"), ["/srv/vms", "/srv/vms/", "relative"])).Message);
    }

    [Theory]
    [InlineData("/dev/sda", "'/dev/sda'")]
    [InlineData("/var/lib/nube/../../../dev/nvme0n1", "'/var/lib/nube/../../../dev/nvme0n1' (that is /dev/nvme0n1)")]
    [InlineData("/dev", "'/dev'")]
    public void A_host_device_has_its_own_message(string path, string shown)
    {
        var error = Assert.Single(StorageRootRules.Check(Vm(path), ["/var/lib/nube", "/dev"]));
        Assert.Equal($"boot.kernel: {shown} is a host device that is not a passthrough device of this host; " +
            "name it in the host's passthroughDevices ('nube host set --passthrough-device') to let VMs have it", error.Message);
        Assert.Equal(path, error.Value);
    }

    [Fact]
    public void A_passthrough_device_of_the_host_may_be_a_disk_and_nothing_else()
    {
        var vm = Vm("/dev/loop7") with { ScsiControllers = [new ScsiController { Id = "scsi0", Disks = [new ScsiDisk { Id = "disk0", Path = "/dev/loop7" }] }] };
        var error = Assert.Single(StorageRootRules.Check(vm, ["/var/lib/nube"], null, ["/dev/loop7"]));
        Assert.Equal("boot.kernel", error.Field);
        Assert.Equal(2, StorageRootRules.Check(vm, ["/var/lib/nube"], null, ["/dev/loop8"]).Count);
    }

    [Fact]
    public void Every_host_path_of_the_VM_is_checked_and_all_errors_come_at_once()
    {
        var vm = TestVms.KernelBoot() with
        {
            Boot = new BootSource { Kind = BootKind.Kernel, Kernel = "/boot/vmlinuz", Initrd = "/boot/initrd.img" },
            IdeDrives = [TestVms.Disk(0, 0) with { Path = "/var/lib/nube/ok.qcow2" }, TestVms.Disk(0, 1) with { Path = "/dev/sdb" }],
            ScsiControllers =
            [
                new ScsiController { Disks = [new ScsiDisk { Path = "/var/lib/nube/images/a.raw" }] },
                new ScsiController { Disks = [new ScsiDisk { Path = "/var/lib/nube/images/b.raw" }, new ScsiDisk { Location = 1, Path = "/home/u/c.raw" }] },
            ],
        };
        var errors = Check(vm);
        Assert.Equal(["boot.kernel", "boot.initrd", "ideDrives[1].path", "scsiControllers[1].disks[1].path"], errors.Select(e => e.Field));
        Assert.Equal($"scsiControllers[1].disks[1].path: '/home/u/c.raw' is outside the host's storage roots (/var/lib/nube, /var/lib/nube/images); {Advice}",
            errors[3].Message);
    }

    [Fact]
    public void Paths_the_validator_already_refuses_are_left_to_it()
    {
        var vm = TestVms.KernelBoot() with
        {
            Boot = new BootSource { Kind = BootKind.Kernel, Kernel = "vmlinux", Initrd = "/etc/a\nb" },
        };
        Assert.Empty(Check(vm));
    }

    [Fact]
    public void Roots_in_force_are_the_data_directorys_images_folder_then_the_configured_ones()
    {
        var host = new HostConfig { StorageRoots = ["/srv/images/", "/var/lib/nube/images", "/var/lib/nube"] };
        Assert.Equal(["/var/lib/nube/images", "/srv/images", "/var/lib/nube"], StorageRootRules.Roots("/var/lib/nube/", host));
        Assert.Equal(["/data/images", "/var/lib/nube/images"], StorageRootRules.Roots("/data", new HostConfig()));
        Assert.Equal(["/data/images"], StorageRootRules.Roots("/data", new HostConfig { StorageRoots = default }));
    }

    [Fact]
    public void Nothing_in_the_data_directory_but_its_images_is_a_VM_file_whatever_the_roots()
    {
        var roots = StorageRootRules.Roots("/var/lib/nube", new HostConfig { StorageRoots = ["/var/lib", "/srv"] });
        var vm = TestVms.KernelBoot() with
        {
            ScsiControllers = [new ScsiController { Disks = [
                TestVms.ScsiDisk(0) with { Path = "/var/lib/nube/tls/nubed.key" },
                TestVms.ScsiDisk(1) with { Path = "/var/lib/nube/users.json" },
                TestVms.ScsiDisk(2) with { Path = "/var/lib/nube/images/a.qcow2" },
                TestVms.ScsiDisk(3) with { Path = "/var/lib/other.raw" },
            ] }],
        };
        Assert.Equal([
            "scsiControllers[0].disks[0].path: '/var/lib/nube/tls/nubed.key' is inside the host's data directory (/var/lib/nube), which holds Nube's own files; only its 'images' folder may hold a VM's files",
            "scsiControllers[0].disks[1].path: '/var/lib/nube/users.json' is inside the host's data directory (/var/lib/nube), which holds Nube's own files; only its 'images' folder may hold a VM's files",
        ], StorageRootRules.Check(vm, roots, "/var/lib/nube").Select(e => e.Message).Where(m => m.StartsWith("scsi", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_default_roots_are_the_images_folder()
    {
        Assert.Equal(["/var/lib/nube/images"], new HostConfig().StorageRoots.ToArray());
        Assert.Equal("/var/lib/nube/images", HostConfig.DefaultStorageRoot);
        Assert.Equal(ImmutableArray<string>.Empty, new HostConfig { StorageRoots = [] }.StorageRoots);
    }
}
