using Nube.Core.Qemu;
using Nube.Core.Vms;

namespace Nube.Core.Tests.Qemu;

public sealed class StoragePlanTests
{
    private static readonly Guid Move = Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    [Fact]
    public void A_disk_is_mirrored_into_its_new_file_completed_when_ready_then_its_old_nodes_and_file_go()
    {
        var plan = StoragePlan.Mirror(new MirrorTarget("disk1", "disk1", "/srv/a/data.qcow2", "/srv/b/data.qcow2", "qcow2", "scsiControllers[0].disks[0].path"), Move);
        Assert.Equal(
        [
            "pass /srv/b/data.qcow2 as disk1-m0f1e2d3c-file",
            "blockdev-add disk1-m0f1e2d3c-file (file)",
            "blockdev-add disk1-m0f1e2d3c (qcow2)",
            "blockdev-mirror disk1 -> disk1-m0f1e2d3c (full, write-blocking)",
            "follow mirror-disk1, complete when ready",
            "blockdev-del disk1", "blockdev-del disk1-file", "drop disk1-file",
        ], plan.Select(Describe));
        // Only the steps before the switch can be taken back: the new nodes and file.
        Assert.Equal([1, 1, 1, 0, 0, 0, 0, 0], plan.Select(s => s.Undo.Length));
        var format = (QmpStep)plan[2].Do;
        Assert.Null(format.Arguments["backing"]);
        Assert.True(format.Arguments.ContainsKey("backing"));
    }

    [Fact]
    public void A_disk_without_the_host_cache_gets_a_new_file_without_it_too_and_a_raw_image_no_backing()
    {
        var plan = StoragePlan.Mirror(new MirrorTarget("disk0", "disk0", "/a/x.raw", "/b/x.raw", "raw", "ideDrives[0].path") { Cache = DiskCache.Direct }, Move);
        var file = (QmpStep)plan[1].Do;
        Assert.Contains("\"direct\":true", file.Arguments.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("native", (string)file.Arguments["aio"]!);
        Assert.True(((PassFileStep)plan[0].Do).File.Direct);
        Assert.False(((QmpStep)plan[2].Do).Arguments.ContainsKey("backing"));
    }

    private static string Describe(PlannedStep step) => step.Do switch
    {
        PassFileStep p => $"pass {p.File.Path} as {p.File.Node}",
        DropFileStep d => $"drop {d.File.Node}",
        QmpStep { Command: "blockdev-add" } q => $"blockdev-add {q.Arguments["node-name"]} ({q.Arguments["driver"]})",
        QmpStep { Command: "blockdev-mirror" } q => $"blockdev-mirror {q.Arguments["device"]} -> {q.Arguments["target"]} ({q.Arguments["sync"]}, {q.Arguments["copy-mode"]})",
        QmpStep q => $"{q.Command} {q.Arguments["node-name"]}",
        BlockJobStep j => $"follow {j.JobId}{(j.CompleteWhenReady ? ", complete when ready" : "")}",
        _ => step.Do.ToString()!,
    };
}
