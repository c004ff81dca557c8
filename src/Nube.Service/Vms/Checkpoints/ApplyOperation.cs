using Nube.Core.Checkpoints;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>
/// Applies a checkpoint to a VM that is off or saved (Hyper-V's rule): each disk gets a new
/// overlay on the checkpoint's image, so that the checkpoint stays as it is and may be applied
/// again; the overlays the VM wrote since are deleted (the user asked to discard that state)
/// unless a checkpoint still needs them. A standard checkpoint's memory is then restored and the
/// VM runs on from that moment; otherwise the VM is off, any saved state discarded.
/// </summary>
public sealed class ApplyOperation(CheckpointContext c)
{
    public async Task<string> RunAsync(Job job, ApplyCheckpoint request)
    {
        var state = c.Require($"apply checkpoint '{request.Checkpoint}'", "turn it off or save it first", [.. VmActions.ApplyCheckpointFrom]);
        var ct = job.Cancellation.Token;
        var book = c.Store.Read();
        var checkpoint = book.Find(request.Checkpoint, c.Name);
        var config = c.Config;
        var current = WritableDisk.Of(config).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var next = config;
        var layers = book.Layers.ToList();
        var left = new List<string>();
        var made = new List<string>();
        job.Report($"making {checkpoint.Disks.Length} overlay(s) on the checkpoint's disks");
        try
        {
            foreach (var disk in checkpoint.Disks)
            {
                if (!current.TryGetValue(disk.Disk, out var now))
                    throw new VmConflictException($"Cannot apply checkpoint '{checkpoint.Name}' to VM '{c.Name}': its disk {disk.Disk} is no longer writable in the VM.");
                var overlay = TakeOperation.OverlayPath(disk.Image, Guid.NewGuid());
                await OverlayFiles.CreateAsync(overlay, disk.Image, disk.Format, ct).ConfigureAwait(false);
                made.Add(overlay);
                layers.Add(new CheckpointLayer(disk.Disk, overlay, disk.Image, disk.Format));
                next = WritableDisk.WithImage(next, disk.Disk, overlay, DiskFormat.Qcow2);
                left.Add(now.Path);
            }
        }
        catch
        {
            made.ForEach(File.Delete);
            throw;
        }
        var restore = checkpoint.Memory is { } memory && File.Exists(memory);
        if (restore)
        {
            job.Report("copying the checkpoint's memory");
            await CheckpointStore.CopyAsync(checkpoint.Memory!, c.Vm.Paths.SavedState, ct).ConfigureAwait(false);
        }
        else if (state == VmState.Saved)
        {
            // The saved memory belongs to the disks' state being discarded.
            File.Delete(c.Vm.Paths.SavedState);
        }
        await c.StoreAsync(next).ConfigureAwait(false);
        var kept = book with { Current = checkpoint.Id, Layers = [.. layers] };
        await c.Store.WriteAsync(kept with { Layers = [.. layers.Where(l => !Discard(kept, l, left))] }).ConfigureAwait(false);
        c.Vm.SetState(restore ? VmState.Saved : VmState.Off);
        c.Logger.LogInformation("VM {Name}: applied checkpoint '{Checkpoint}' ({Id})", c.Name, checkpoint.Name, checkpoint.Id);
        if (!restore)
            return $"Applied checkpoint '{checkpoint.Name}'; the VM is off.";
        job.Report("restoring the checkpoint's memory");
        await new StartOperation(c.Vm, c.Services, c.Logger).RunAsync(job, next, VmLifecycle.Begin(VmState.Saved, VmOperation.Start, c.Name), null, ct)
            .ConfigureAwait(false);
        return $"Applied checkpoint '{checkpoint.Name}'; the VM runs on from it.";
    }

    /// <summary>An overlay the VM was writing, that no checkpoint holds and nothing is above: deleted, as the user asked.</summary>
    private bool Discard(CheckpointBook book, CheckpointLayer layer, List<string> left)
    {
        if (!left.Contains(layer.Path) || book.IsCheckpointImage(layer.Path) || !book.Above(layer.Path).IsEmpty)
            return false;
        File.Delete(layer.Path);
        c.Logger.LogInformation("VM {Name}: deleted '{Path}', the state discarded by applying a checkpoint", c.Name, layer.Path);
        return true;
    }
}
