using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Nube.Core.Qemu;

/// <summary>A running disk that gets an overlay: its top block node now, and the new qcow2 file (already made, its header naming the top's file).</summary>
/// <param name="Field">The disk's configuration field, for errors.</param>
public sealed record OverlayTarget(string Disk, string TopNode, string OverlayPath, string Field);

/// <summary>
/// One image of a running disk's chain merged into the image below it (<c>block-commit</c>).
/// </summary>
/// <param name="Device">The disk's top block node now (the root of its chain).</param>
/// <param name="TopNode">The node whose data moves down; the same as <paramref name="Device"/> when the disk's overlay itself is merged (an active commit).</param>
/// <param name="TopFile">The file of <paramref name="TopNode"/>, which QEMU lets go of afterwards.</param>
/// <param name="BaseNode">The node that receives the data.</param>
/// <param name="BasePath">Its file, written into the header of the image above <paramref name="TopNode"/> (never QEMU's <c>/dev/fdset</c> name).</param>
/// <param name="BaseReadOnly">The base was opened read-only (an image below the top at the start): the plan first makes it writable.</param>
/// <param name="BaseBelow">The node below the base (its backing), for a qcow2 base reopened; null when none.</param>
public sealed record MergeTarget(string Disk, string Device, string TopNode, string TopFile, string BaseNode, string BasePath)
{
    public bool Active => Device == TopNode;
    public bool BaseReadOnly { get; init; }
    public string BaseDriver { get; init; } = "raw";
    public string? BaseBelow { get; init; }
    public Vms.DiskCache? Cache { get; init; }
}

/// <summary>
/// What QEMU is asked to do for checkpoints of a running VM: pure, golden tested like
/// <see cref="DevicePlan"/>. A checkpoint adds a qcow2 overlay per disk and switches every disk
/// to it in one <c>transaction</c> of <c>blockdev-snapshot</c> (all disks at the same instant, or
/// none); a removal merges an overlay down with <c>block-commit</c>, run as a QEMU job.
/// </summary>
public static class CheckpointPlan
{
    /// <summary>The block node of a checkpoint's overlay on a disk, with the <c>-file</c> node below it as <see cref="DiskModel"/> names them.</summary>
    public static string OverlayNode(string disk, Guid checkpoint) => $"{disk}-c{checkpoint.ToString("N")[..8]}";

    /// <summary>
    /// Each overlay's file handed over and its nodes added (its backing given as null: the
    /// snapshot attaches the disk's chain below it, and QEMU never reads the header's name),
    /// then one transaction switches every disk to its overlay.
    /// </summary>
    public static ImmutableArray<PlannedStep> Take(ImmutableArray<OverlayTarget> disks, Guid checkpoint)
    {
        var steps = ImmutableArray.CreateBuilder<PlannedStep>();
        var actions = new JsonArray();
        foreach (var disk in disks)
        {
            var node = OverlayNode(disk.Disk, checkpoint);
            var file = new FdSet($"{node}-file", disk.OverlayPath, false, disk.Field);
            steps.Add(new(new PassFileStep(file), [new DropFileStep(file)]));
            steps.Add(Add(QemuProps.Of(("driver", "file"), ("filename", file), ("node-name", file.Node))));
            steps.Add(Add(QemuProps.Of(("driver", "qcow2"), ("file", file.Node), ("node-name", node), ("backing", QemuProps.Null))));
            actions.Add(new JsonObject { ["type"] = "blockdev-snapshot", ["data"] = new JsonObject { ["node"] = disk.TopNode, ["overlay"] = node } });
        }
        // The last step: once every disk writes into its overlay there is nothing to take back.
        steps.Add(new(new QmpStep("transaction", new JsonObject { ["actions"] = actions }), []));
        return steps.ToImmutable();
    }

    /// <summary>
    /// The commit as a QEMU job (kept after it ends, so that its error can be read), then the
    /// merged image's nodes and file let go of. An active commit is completed by Nube once QEMU
    /// reports it ready (both images the same), which switches the disk to the base.
    /// </summary>
    public static ImmutableArray<PlannedStep> Merge(MergeTarget merge)
    {
        var job = $"commit-{merge.Disk}";
        var arguments = new JsonObject
        {
            ["job-id"] = job, ["device"] = merge.Device, ["base-node"] = merge.BaseNode, ["auto-dismiss"] = false,
        };
        if (!merge.Active)
        {
            arguments["top-node"] = merge.TopNode;
            arguments["backing-file"] = merge.BasePath;
        }
        var steps = ImmutableArray.CreateBuilder<PlannedStep>();
        if (merge.BaseReadOnly)
            steps.Add(new(Writable(merge), []));
        // Cancelled before its end, a commit leaves both images as they were: nothing to take back.
        steps.AddRange((ImmutableArray<PlannedStep>)
        [
            new(new QmpStep("block-commit", arguments), []),
            new(new BlockJobStep(job, merge.Active), []),
            new(new QmpStep("blockdev-del", new JsonObject { ["node-name"] = merge.TopNode }), []),
            new(new QmpStep("blockdev-del", new JsonObject { ["node-name"] = $"{merge.TopNode}-file" }), []),
            new(new DropFileStep(new FdSet($"{merge.TopNode}-file", merge.TopFile, false, merge.Disk)), []),
        ]);
        return steps.ToImmutable();
    }

    /// <summary>The base's two nodes with their options as <see cref="DiskModel"/> gave them at the start, read-only off.</summary>
    private static ReopenWritableStep Writable(MergeTarget merge)
    {
        var file = new FdSet($"{merge.BaseNode}-file", merge.BasePath, false, merge.Disk, merge.Cache == Vms.DiskCache.Direct);
        var fileNode = QemuProps.Of(("driver", "file"), ("filename", file), ("node-name", file.Node), ("read-only", false));
        if (merge.Cache == Vms.DiskCache.Direct)
            fileNode = fileNode.With("cache.direct", true).With("aio", "native");
        var format = QemuProps.Of(("driver", merge.BaseDriver), ("file", file.Node), ("node-name", merge.BaseNode), ("read-only", false));
        if (merge.BaseDriver == "qcow2")
            format = format.With("backing", merge.BaseBelow ?? QemuProps.Null);
        return new ReopenWritableStep(file, new JsonObject { ["options"] = new JsonArray(fileNode.ToJson(), format.ToJson()) });
    }

    private static PlannedStep Add(QemuProps node) =>
        new(new QmpStep("blockdev-add", node.ToJson()), [new QmpStep("blockdev-del", new JsonObject { ["node-name"] = (string)node["node-name"]! })]);
}
