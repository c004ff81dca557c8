using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Nube.Core.Vms;

namespace Nube.Core.Qemu;

/// <summary>
/// One disk of a running VM that moves to another file (Hyper-V's Move-VMStorage).
/// </summary>
/// <param name="Disk">The disk's id; its nodes are named after it.</param>
/// <param name="Device">The disk's top block node now.</param>
/// <param name="OldFile">The file it has now, let go of once the disk runs on the new one.</param>
/// <param name="NewPath">The new file, made empty beforehand with the same format and size.</param>
/// <param name="Driver">QEMU's block driver of the format (both files have it).</param>
/// <param name="Field">The disk's configuration field, for errors.</param>
public sealed record MirrorTarget(string Disk, string Device, string OldFile, string NewPath, string Driver, string Field)
{
    public DiskCache? Cache { get; init; }
}

/// <summary>
/// What QEMU is asked to do to move a running VM's disks: pure, golden tested like
/// <see cref="DevicePlan"/>. The new file's nodes are added, <c>blockdev-mirror</c> copies the disk
/// into them while the guest runs (write-blocking: a guest write is done on both files before it
/// completes, so the copy converges however busy the disk), and once QEMU reports both the same,
/// Nube completes the job, which switches the disk to the new file in one step; the old nodes and
/// file are then let go of.
/// </summary>
public static class StoragePlan
{
    /// <summary>The block node of a disk's image after a move, with the <c>-file</c> node below it as <see cref="DiskModel"/> names them.</summary>
    public static string MovedNode(string disk, Guid move) => $"{disk}-m{move.ToString("N")[..8]}";

    public static ImmutableArray<PlannedStep> Mirror(MirrorTarget target, Guid move)
    {
        var node = MovedNode(target.Disk, move);
        var direct = target.Cache == DiskCache.Direct;
        var file = new FdSet($"{node}-file", target.NewPath, false, target.Field, direct);
        var fileNode = QemuProps.Of(("driver", "file"), ("filename", file), ("node-name", file.Node));
        if (direct)
            fileNode = fileNode.With("cache.direct", true).With("aio", "native");
        var format = QemuProps.Of(("driver", target.Driver), ("file", file.Node), ("node-name", node));
        if (target.Driver == "qcow2")
            format = format.With("backing", QemuProps.Null);
        var job = $"mirror-{target.Disk}";
        // Cancelled or failed before its end, a mirror leaves the disk on its old file: the new nodes and file are let go of.
        return
        [
            new(new PassFileStep(file), [new DropFileStep(file)]),
            Add(fileNode),
            Add(format),
            new(new QmpStep("blockdev-mirror", new JsonObject
            {
                ["job-id"] = job, ["device"] = target.Device, ["target"] = node, ["sync"] = "full", ["copy-mode"] = "write-blocking",
                ["auto-dismiss"] = false,
            }), []),
            new(new BlockJobStep(job, CompleteWhenReady: true), []),
            new(new QmpStep("blockdev-del", new JsonObject { ["node-name"] = target.Device }), []),
            new(new QmpStep("blockdev-del", new JsonObject { ["node-name"] = $"{target.Device}-file" }), []),
            new(new DropFileStep(new FdSet($"{target.Device}-file", target.OldFile, false, target.Field, direct)), []),
        ];
    }

    private static PlannedStep Add(QemuProps node) =>
        new(new QmpStep("blockdev-add", node.ToJson()), [new QmpStep("blockdev-del", new JsonObject { ["node-name"] = (string)node["node-name"]! })]);
}
