using Nube.Core.Checkpoints;
using Nube.Core.Lifecycle;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Service.Jobs;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>
/// Removes a checkpoint without losing data: on each disk, the one overlay above the checkpoint's
/// image is merged down into it (Hyper-V merges an .avhdx into its parent), the images above
/// that overlay are pointed at the image, and the overlay is deleted. A running disk is merged by
/// QEMU (<c>block-commit</c>, followed as a job), one off by <c>qemu-img commit</c>. An image with
/// several overlays above it (branches made by applying a checkpoint) is refused: merging into it
/// would change the others.
/// </summary>
public sealed class MergeOperation(CheckpointContext c)
{
    public async Task<string> RunAsync(Job job, RemoveCheckpoint request)
    {
        var state = c.Require($"remove checkpoint '{request.Checkpoint}'", $"wait until it is {VmLifecycle.Either(VmActions.CheckpointFrom)}",
            [.. VmActions.CheckpointFrom]);
        var ct = job.Cancellation.Token;
        var book = c.Store.Read();
        var checkpoint = book.Find(request.Checkpoint, c.Name);
        foreach (var disk in checkpoint.Disks)
        {
            var above = book.Above(disk.Image);
            if (above.Length > 1)
                throw new VmConflictException($"Cannot remove checkpoint '{checkpoint.Name}' of VM '{c.Name}': {above.Length} images depend on its " +
                    $"image of disk {disk.Disk} ('{disk.Image}'), one per branch below it; remove the checkpoints of the other branches first.");
        }
        var live = state is VmState.Running or VmState.Paused
            ? c.Vm.Session ?? throw new VmConflictException($"VM '{c.Name}': its QEMU does not answer on its control socket; turn it off.")
            : null;
        var config = c.Config;
        var running = live is null ? null : c.Vm.Snapshot.Running ?? new RunningVm { Config = config };
        foreach (var disk in checkpoint.Disks)
        {
            var now = WritableDisk.Of(config).FirstOrDefault(d => d.Id == disk.Disk);
            var path = now?.Path;
            if (book.Above(disk.Image) is not [var overlay])
            {
                book = await DropDeadBranchAsync(book, checkpoint, disk, path).ConfigureAwait(false);
                continue;
            }
            job.Report($"merging '{overlay.Path}' into '{disk.Image}'");
            if (live is not null && running is not null && CheckpointContext.NodeOf(running, overlay.Path) is { } top)
            {
                var baseNode = CheckpointContext.NodeOf(running, disk.Image) ?? throw new VmConflictException(
                    $"Cannot remove checkpoint '{checkpoint.Name}' of VM '{c.Name}': its QEMU does not have '{disk.Image}' open; turn it off to merge.");
                var merge = new MergeTarget(disk.Disk, CheckpointContext.NodeOf(running, path ?? "") ?? disk.Disk, top, overlay.Path, baseNode, disk.Image)
                {
                    // The start opened the images below the top read-only (<disk>-b1, -b2 ...), each on the next.
                    BaseReadOnly = baseNode.StartsWith($"{disk.Disk}-b", StringComparison.Ordinal),
                    BaseBelow = running.Files.Any(f => f.Node == $"{Below(disk.Disk, baseNode)}-file") ? Below(disk.Disk, baseNode) : null,
                    BaseDriver = ImageFormat.Driver(disk.Format),
                    Cache = now?.Cache,
                };
                try
                {
                    var files = await new DevicePlanRunner(live.Qmp, c.Logger).RunAsync($"merge '{overlay.Path}'", CheckpointPlan.Merge(merge),
                        running.Files, phase => job.Report(phase), ct).ConfigureAwait(false);
                    running = running with { Files = files };
                }
                catch (DevicePlanException e) when (e.InnerException is OperationCanceledException && ct.IsCancellationRequested)
                {
                    throw new OperationCanceledException(e.Message, e, ct);
                }
                catch (DevicePlanException e)
                {
                    throw new VmOperationFailedException($"remove checkpoint '{checkpoint.Name}' of", c.Name, e);
                }
            }
            else
            {
                await OverlayFiles.CommitAsync(overlay.Path, ct).ConfigureAwait(false);
            }
            // The images above the merged one now find its data in the checkpoint's image. QEMU
            // rewrote the header of the one it runs; the others (other branches) are rewritten here.
            foreach (var upper in book.Above(overlay.Path).Where(l => running is null || CheckpointContext.NodeOf(running, l.Path) is null))
                await OverlayFiles.RebaseAsync(upper.Path, disk.Image, disk.Format, CancellationToken.None).ConfigureAwait(false);
            if (path == overlay.Path)
            {
                config = WritableDisk.WithImage(config, disk.Disk, disk.Image, disk.Format);
                running = running is null ? null : running with { Config = WritableDisk.WithImage(running.Config, disk.Disk, disk.Image, disk.Format) };
            }
            await c.StoreAsync(config, running).ConfigureAwait(false);
            book = Merged(book, overlay, disk);
            await c.Store.WriteAsync(book).ConfigureAwait(false);
            File.Delete(overlay.Path);
        }
        book = book with
        {
            Current = book.Current == checkpoint.Id ? checkpoint.Parent : book.Current,
            Checkpoints = [.. book.Checkpoints.Where(x => x.Id != checkpoint.Id)
                .Select(x => x.Parent == checkpoint.Id ? x with { Parent = checkpoint.Parent } : x)],
        };
        await c.Store.WriteAsync(book).ConfigureAwait(false);
        if (checkpoint.Memory is { } memory)
            File.Delete(memory);
        c.Logger.LogInformation("VM {Name}: removed checkpoint '{Checkpoint}' ({Id})", c.Name, checkpoint.Name, checkpoint.Id);
        return $"Removed checkpoint '{checkpoint.Name}'; its disks were merged.";
    }

    /// <summary>The node the start put below a chain node (<c>disk0-b1</c> is on <c>disk0-b2</c>); the top's first is <c>-b1</c>.</summary>
    private static string Below(string disk, string node) =>
        node.StartsWith($"{disk}-b", StringComparison.Ordinal) && int.TryParse(node.AsSpan(disk.Length + 2), out var n) ? $"{disk}-b{n + 1}" : $"{disk}-b1";

    /// <summary>
    /// A checkpoint's image with nothing above it (the state after it was discarded by an apply):
    /// an overlay Nube made that only this checkpoint needs goes with it.
    /// </summary>
    private async Task<CheckpointBook> DropDeadBranchAsync(CheckpointBook book, Checkpoint checkpoint, CheckpointDisk disk, string? path)
    {
        var others = book with { Checkpoints = [.. book.Checkpoints.Where(x => x.Id != checkpoint.Id)] };
        if (disk.Image == path || others.IsCheckpointImage(disk.Image) || !book.Layers.Any(l => l.Path == disk.Image))
            return book;
        var dropped = book with { Layers = [.. book.Layers.Where(l => l.Path != disk.Image)] };
        await c.Store.WriteAsync(dropped).ConfigureAwait(false);
        File.Delete(disk.Image);
        c.Logger.LogInformation("VM {Name}: deleted '{Path}', which only the removed checkpoint '{Checkpoint}' needed", c.Name, disk.Image, checkpoint.Name);
        return dropped;
    }

    /// <summary>The book once <paramref name="merged"/>'s data is in the checkpoint's image: whatever named the overlay names the image.</summary>
    private static CheckpointBook Merged(CheckpointBook book, CheckpointLayer merged, CheckpointDisk into) => book with
    {
        Layers = [.. book.Layers.Where(l => l.Path != merged.Path)
            .Select(l => l.Backing == merged.Path ? l with { Backing = into.Image, BackingFormat = into.Format } : l)],
        Checkpoints = [.. book.Checkpoints.Select(x => x with
        {
            Disks = [.. x.Disks.Select(d => d.Image == merged.Path ? d with { Image = into.Image, Format = into.Format } : d)],
        })],
    };
}
