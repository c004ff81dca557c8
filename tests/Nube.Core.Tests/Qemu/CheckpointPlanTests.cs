using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Qemu;

/// <summary>The QMP plans of checkpoints on a running VM, as goldens beside the hot-plug plans.</summary>
public class CheckpointPlanTests
{
    private static readonly Guid Checkpoint = Guid.Parse("0a1b2c3d-0000-4000-8000-000000000001");

    [Fact]
    public void Taking_a_checkpoint_of_two_disks_switches_both_in_one_transaction()
    {
        var plan = CheckpointPlan.Take(
        [
            new OverlayTarget("disk0", "disk0", "/srv/images/boot_0a1b2c3d.qcow2", "scsiControllers[0].disks[0].path"),
            new OverlayTarget("disk1", "disk1-c99999999", "/srv/images/data_0a1b2c3d.qcow2", "scsiControllers[0].disks[1].path"),
        ], Checkpoint);
        PlanGolden.Check("checkpoint-take-two-disks", PlanGolden.Render(plan));
    }

    [Fact]
    public void Merging_the_disk_s_overlay_is_an_active_commit_completed_when_ready()
    {
        var plan = CheckpointPlan.Merge(new MergeTarget("disk1", "disk1-c0a1b2c3d", "disk1-c0a1b2c3d", "/srv/images/data_0a1b2c3d.qcow2",
            "disk1", "/srv/images/data.raw"));
        PlanGolden.Check("checkpoint-merge-active", PlanGolden.Render(plan));
    }

    [Fact]
    public void Merging_an_image_below_the_overlay_rewrites_the_header_above_it_with_the_base_s_path()
    {
        var plan = CheckpointPlan.Merge(new MergeTarget("disk1", "disk1-c22222222", "disk1-b1", "/srv/images/data_0a1b2c3d.qcow2",
            "disk1-b2", "/srv/images/data.vhdx"));
        PlanGolden.Check("checkpoint-merge-below", PlanGolden.Render(plan));
    }

    [Fact]
    public void Merging_into_an_image_the_start_opened_read_only_reopens_it_writable_first()
    {
        var plan = CheckpointPlan.Merge(new MergeTarget("disk1", "disk1", "disk1", "/srv/images/data_0a1b2c3d.qcow2", "disk1-b1", "/srv/images/data.qcow2")
        {
            BaseReadOnly = true, BaseDriver = "qcow2", BaseBelow = "disk1-b2", Cache = DiskCache.Direct,
        });
        PlanGolden.Check("checkpoint-merge-read-only-base", PlanGolden.Render(plan));
    }

    [Fact]
    public void An_overlay_node_is_named_after_its_disk_and_checkpoint() =>
        Assert.Equal("disk3-c0a1b2c3d", CheckpointPlan.OverlayNode("disk3", Checkpoint));
}
