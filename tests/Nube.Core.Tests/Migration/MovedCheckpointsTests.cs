using Nube.Core.Checkpoints;
using Nube.Core.Migration;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Migration;

public sealed class MovedCheckpointsTests
{
    private static readonly Guid Move = Guid.Parse("0626afeb-efc8-44ef-ae0e-b5be5b1372de");
    private static readonly Guid Standard = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly VmConfig Vm = TestVms.KernelBoot() with
    {
        Name = "web",
        ScsiControllers = [new ScsiController { Disks = [new ScsiDisk { Location = 0, Path = "/srv/shared/web_1a2b3c4d.qcow2" }] }],
    };
    private static readonly CheckpointBook Book = new()
    {
        Checkpoints = [new Checkpoint { Id = Standard, Name = "first", Kind = CheckpointKind.Standard, Memory = "/var/lib/nube/vms/x/checkpoints/a.state" }],
    };

    [Fact]
    public void Checkpoints_move_with_a_VM_on_shared_storage_their_memory_beside_its_first_disk()
    {
        Assert.Empty(MovedCheckpoints.Check(Vm, Book, withStorage: false));
        Assert.Empty(MovedCheckpoints.Check(Vm, CheckpointBook.Empty, withStorage: true));
        Assert.Equal("/srv/shared/.nube-move-0626afebefc844efae0eb5be5b1372de-11111111222233334444555555555555.state",
            MovedCheckpoints.MemoryPath(Vm, Move, Standard));
    }

    [Fact]
    public void They_do_not_move_when_the_disks_are_copied_or_when_their_memory_has_no_disk_to_cross_beside()
    {
        Assert.Equal(["checkpoints: VM 'web' has 1 checkpoint(s), whose images are not copied to another host; remove them first " +
            "(nube vm checkpoint remove), or move it without --with-storage"], MovedCheckpoints.Check(Vm, Book, withStorage: true).Select(e => e.Message));
        Assert.Equal(["checkpoints"], MovedCheckpoints.Check(Vm with { ScsiControllers = [] }, Book, withStorage: false).Select(e => e.Field));
    }
}
