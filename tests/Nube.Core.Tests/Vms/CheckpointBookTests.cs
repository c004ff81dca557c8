using Nube.Core.Checkpoints;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Vms;

/// <summary>Which checkpoint a user names, and which configuration changes the disks of checkpoints forbid.</summary>
public class CheckpointBookTests
{
    private static readonly Checkpoint First = new() { Id = Guid.Parse("11111111-0000-4000-8000-000000000000"), Name = "before update" };
    private static readonly Checkpoint Twin = new() { Id = Guid.Parse("22222222-0000-4000-8000-000000000000"), Name = "twin" };
    private static readonly Checkpoint Twin2 = Twin with { Id = Guid.Parse("33333333-0000-4000-8000-000000000000") };
    private static readonly CheckpointBook Book = new() { Checkpoints = [First, Twin, Twin2] };

    [Fact]
    public void A_checkpoint_is_found_by_id_or_by_a_name_only_it_has()
    {
        Assert.Equal(First, Book.Find("before update", "web"));
        Assert.Equal(Twin2, Book.Find(Twin2.Id.ToString(), "web"));
    }

    [Fact]
    public void A_missing_or_shared_name_is_refused_with_what_to_do()
    {
        Assert.Equal("VM 'web' has no checkpoint 'after'.", Assert.Throws<CheckpointNotFoundException>(() => Book.Find("after", "web")).Message);
        Assert.Equal($"VM 'web' has 2 checkpoints named 'twin'; name one by its id ({Twin.Id}, {Twin2.Id}).",
            Assert.Throws<CheckpointNotFoundException>(() => Book.Find("twin", "web")).Message);
    }

    [Fact]
    public void A_disk_held_by_checkpoints_may_not_go_or_point_elsewhere_while_others_may()
    {
        var vm = TestVms.KernelBoot() with
        {
            ScsiControllers = [new ScsiController { Id = "scsi0", Disks = [
                new ScsiDisk { Id = "disk0", Path = "/srv/a_11111111.qcow2" }, new ScsiDisk { Id = "disk1", Location = 1, Path = "/srv/b.raw" }] }],
        };
        var held = new HashSet<string>(["disk0"]);
        Assert.Equal(["disk0", "disk1"], WritableDisk.Of(vm).Select(d => d.Id));
        Assert.Equal(DiskFormat.Qcow2, WritableDisk.Of(vm).First().Format);
        Assert.Null(WritableDisk.Dropped(vm, vm with { ScsiControllers = [vm.ScsiControllers[0] with { Disks = [vm.ScsiControllers[0].Disks[0]] }] }, held));
        Assert.Equal("scsiControllers[0].disks[0].path: disk disk0 is in checkpoints of this VM; remove its checkpoints first",
            WritableDisk.Dropped(vm, vm with { ScsiControllers = [vm.ScsiControllers[0] with { Disks = [vm.ScsiControllers[0].Disks[1]] }] }, held));
        Assert.Equal("scsiControllers[0].disks[0].path: disk disk0 is in checkpoints of this VM and cannot change from '/srv/a_11111111.qcow2' " +
            "to '/srv/other.qcow2'; remove its checkpoints first",
            WritableDisk.Dropped(vm, WritableDisk.WithImage(vm, "disk0", "/srv/other.qcow2", DiskFormat.Qcow2), held));
    }
}
