using Nube.Core.Migration;
using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Migration;

public sealed class PeerStorageTests
{
    private static readonly VmConfig Vm = TestVms.KernelBoot() with
    {
        Name = "web",
        IdeDrives = [new IdeDrive { Id = "ide1-0", Controller = 1, Media = DriveMedia.Dvd, Path = "/srv/iso/a.iso" }],
        ScsiControllers = [new ScsiController
        {
            Id = "scsi0",
            Disks =
            [
                new ScsiDisk { Id = "disk0", Location = 0, Path = "/srv/a/web.qcow2" },
                new ScsiDisk { Id = "disk1", Location = 1, Path = "/srv/a/data.img", Format = DiskFormat.Raw },
                new ScsiDisk { Id = "disk2", Location = 2, Path = "/srv/a/base.qcow2", ReadOnly = true },
            ],
        }],
    };

    [Fact]
    public void Each_writable_disk_goes_to_the_same_path_or_into_the_folder_named_and_nothing_else_moves()
    {
        Assert.Equal([("disk0", "/srv/a/web.qcow2"), ("disk1", "/srv/a/data.img")], PeerStorage.Place(Vm, null).Select(p => (p.Disk.Id, p.Target)));
        var there = PeerStorage.Retarget(Vm, "/srv/b");
        Assert.Equal(["/srv/b/web.qcow2", "/srv/b/data.img", "/srv/a/base.qcow2"], there.ScsiControllers[0].Disks.Select(d => d.Path));
        Assert.Equal("/srv/iso/a.iso", there.IdeDrives[0].Path);
    }

    [Fact]
    public void Only_whole_qcow2_and_raw_images_are_copied()
    {
        var vm = Vm with
        {
            ScsiControllers = [Vm.ScsiControllers[0] with
            {
                Disks = [.. Vm.ScsiControllers[0].Disks, new ScsiDisk { Id = "disk3", Location = 3, Path = "/srv/a/old.vhdx" }, new ScsiDisk { Id = "disk4", Location = 4, Path = "/dev/sdb" }],
            }],
        };
        (string, BackingImage)[] images = [("disk0 (scsi0:0)", new("/srv/a/web.qcow2", DiskFormat.Qcow2)), ("disk0 (scsi0:0)", new("/srv/a/gold.qcow2", DiskFormat.Qcow2)),
            ("disk2 (scsi0:2)", new("/srv/a/base.qcow2", DiskFormat.Qcow2)), ("disk2 (scsi0:2)", new("/srv/a/older.qcow2", DiskFormat.Qcow2))];
        Assert.Equal([
            "scsiControllers[0].disks[3].path: '/srv/a/old.vhdx' is a VHDX image; only qcow2 and raw images are copied to another host: convert it to qcow2 while the VM is off (nube disk convert)",
            "scsiControllers[0].disks[4].path: '/dev/sdb' is a host device, which cannot be copied to another host; move without --with-storage",
            "disk0 (scsi0:0): '/srv/a/web.qcow2' is a differencing disk (on '/srv/a/gold.qcow2'); merge it first (nube disk merge)",
        ], PeerStorage.CheckSource(vm, images).Select(e => e.Message));
    }
}
