using Nube.Core.Migration;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Migration;

public sealed class QuickStateTests
{
    private static readonly Guid Move = Guid.Parse("0626afeb-efc8-44ef-ae0e-b5be5b1372de");

    [Fact]
    public void A_quick_moves_state_lies_beside_the_first_disk_file_named_by_the_move_alone()
    {
        var vm = TestVms.KernelBoot() with
        {
            IdeDrives = [new IdeDrive { Controller = 1, Media = DriveMedia.Dvd, Path = "/srv/iso/a.iso" }],
            ScsiControllers = [new ScsiController { Disks = [new ScsiDisk { Location = 0, Path = "/srv/shared/web's disk.qcow2" }, new ScsiDisk { Location = 1, Path = "/srv/other/b.qcow2" }] }],
        };
        Assert.Equal("/srv/shared/.nube-move-0626afebefc844efae0eb5be5b1372de.state", QuickState.PathFor(vm, Move));
    }

    [Fact]
    public void A_VM_with_no_disk_file_has_no_state_file_and_moves_by_the_stream()
    {
        Assert.Null(QuickState.PathFor(TestVms.KernelBoot(), Move));
        Assert.Null(QuickState.PathFor(TestVms.KernelBoot() with
        {
            IdeDrives = [new IdeDrive { Controller = 1, Media = DriveMedia.Dvd, Path = "/srv/iso/a.iso" }],
            ScsiControllers = [new ScsiController { Disks = [new ScsiDisk { Location = 0, Path = "/dev/disk/by-id/wwn-0x5000" }] }],
        }, Move));
    }
}
