using System.Globalization;
using System.Text.RegularExpressions;
using Nube.Core.Checkpoints;
using Nube.Core.Lifecycle;
using Nube.Core.Qemu;
using Nube.Core.Vms;
using Nube.Linux;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Integration;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>
/// Takes a checkpoint: each writable disk gets a qcow2 overlay on its current image, which from
/// then on holds the disk as it was and is never written again. Off or saved, qemu-img makes the
/// overlays and the configuration points at them; running, QEMU switches every disk to its overlay
/// in one transaction, with the guest's file systems frozen (production) or its processors paused
/// while its memory is saved beside (standard).
/// </summary>
public sealed partial class TakeOperation(CheckpointContext c)
{
    /// <summary>The longest a production checkpoint may keep the guest frozen; it takes well under a second.</summary>
    private static readonly TimeSpan FreezeHold = TimeSpan.FromSeconds(60);

    public async Task<string> RunAsync(Job job, NewCheckpoint request)
    {
        var state = c.Require("take a checkpoint", $"wait until it is {VmLifecycle.Either(VmActions.CheckpointFrom)}",
            [.. VmActions.CheckpointFrom]);
        var ct = job.Cancellation.Token;
        var config = c.Config;
        var id = Guid.NewGuid();
        var name = request.Name ?? string.Create(CultureInfo.InvariantCulture, $"{c.Name} - ({c.Services.Clock.GetUtcNow():MM/dd/yyyy - HH:mm:ss})");
        var disks = WritableDisk.Of(config).Select(d => (Disk: d, Overlay: OverlayPath(d.Path, id))).ToList();
        job.Report($"making {disks.Count} overlay(s)");
        foreach (var (disk, overlay) in disks)
            await OverlayFiles.CreateAsync(overlay, disk.Path, disk.Format, ct).ConfigureAwait(false);
        var kind = request.Kind;
        string? memory = null;
        Exception? memoryFailure = null;
        RunningVm? running = null;
        try
        {
            if (state is VmState.Running or VmState.Paused)
            {
                var run = c.Vm.Session ?? throw new VmConflictException($"VM '{c.Name}': its QEMU does not answer on its control socket; turn it off.");
                (kind, running, memory, memoryFailure) = await LiveAsync(job, run, state, request, name, id, disks).ConfigureAwait(false);
            }
            else if (kind == CheckpointKind.Standard && state == VmState.Saved)
            {
                // A saved VM's memory is the checkpoint's: its disks are the overlays' images.
                job.Report("copying the saved memory");
                memory = c.Store.MemoryFile(id);
                await CheckpointStore.CopyAsync(c.Vm.Paths.SavedState, memory, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var (_, overlay) in disks)
                File.Delete(overlay);
            throw;
        }
        var next = disks.Aggregate(config, (vm, d) => WritableDisk.WithImage(vm, d.Disk.Id, d.Overlay, DiskFormat.Qcow2));
        // The configuration first: should nubed stop in between, the disks write into the overlays
        // (the checkpoint is missing, no data is), never into an image a checkpoint holds.
        await c.StoreAsync(next, running).ConfigureAwait(false);
        var book = c.Store.Read();
        var checkpoint = new Checkpoint
        {
            Id = id, Name = name, Kind = kind, Created = c.Services.Clock.GetUtcNow(), Parent = book.Current, Memory = memory,
            Disks = [.. disks.Select(d => new CheckpointDisk(d.Disk.Id, d.Disk.Path, d.Disk.Format))],
        };
        await c.Store.WriteAsync(book with
        {
            Current = id,
            Checkpoints = book.Checkpoints.Add(checkpoint),
            Layers = book.Layers.AddRange(disks.Select(d => new CheckpointLayer(d.Disk.Id, d.Overlay, d.Disk.Path, d.Disk.Format))),
        }).ConfigureAwait(false);
        c.Logger.LogInformation("VM {Name}: took {Kind} checkpoint '{Checkpoint}' ({Id})", c.Name, kind, name, id);
        if (memoryFailure is not null)
            throw new VmOperationFailedException("save the memory for a standard checkpoint of", c.Name, new IOException(
                $"{memoryFailure.Message} The disks were checkpointed: '{name}' was kept as a production checkpoint.", memoryFailure));
        return $"Took {Word(kind)} checkpoint '{name}' ({id}) of {disks.Count} disk(s){(request.Kind != kind ? ", standard because the guest could not freeze" : "")}.";
    }

    private async Task<(CheckpointKind, RunningVm, string?, Exception?)> LiveAsync(Job job, QemuSession run, VmState state,
        NewCheckpoint request, string name, Guid id, List<(WritableDisk Disk, string Overlay)> disks)
    {
        var ct = job.Cancellation.Token;
        var running = c.Vm.Snapshot.Running ?? new RunningVm { Config = c.Config };
        var plan = CheckpointPlan.Take([.. disks.Select(d =>
            new OverlayTarget(d.Disk.Id, CheckpointContext.NodeOf(running, d.Disk.Path) ?? d.Disk.Id, d.Overlay, d.Disk.Field))], id);
        var kind = request.Kind;
        FrozenGuest? frozen = null;
        if (kind == CheckpointKind.Production)
        {
            job.Report("freezing the guest's file systems");
            try
            {
                frozen = await c.Vm.GuestIntegration.Freeze.FreezeAsync($"checkpoint '{name}'", FreezeHold, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is VmConflictException or GuestAgentNoAnswerException)
            {
                if (!request.FallbackStandard)
                    throw new VmConflictException($"Cannot take production checkpoint '{name}' of VM '{c.Name}': {e.Message} " +
                        "Take a standard checkpoint, or ask for one when the guest cannot freeze (--fallback standard; in the API, fallback: standard).");
                c.Logger.LogInformation("VM {Name}: the guest cannot freeze ({Error}); taking a standard checkpoint", c.Name, e.Message);
                kind = CheckpointKind.Standard;
            }
        }
        var paused = false;
        string? memory = null;
        Exception? memoryFailure = null;
        try
        {
            if (kind == CheckpointKind.Standard && state == VmState.Running)
            {
                job.Report("pausing the processors");
                await run.Qmp.StopAsync(ct).ConfigureAwait(false);
                paused = true;
            }
            var files = await new DevicePlanRunner(run.Qmp, c.Logger).RunAsync($"take checkpoint '{name}'", plan, running.Files,
                phase => job.Report(phase), ct).ConfigureAwait(false);
            running = running with
            {
                Files = files,
                Config = disks.Aggregate(running.Config, (vm, d) => WritableDisk.WithImage(vm, d.Disk.Id, d.Overlay, DiskFormat.Qcow2)),
            };
            if (kind == CheckpointKind.Standard)
            {
                try
                {
                    memory = await SaveMemoryAsync(job, run, id).ConfigureAwait(false);
                }
                catch (Exception e) when (e is QmpException or IOException or OperationCanceledException)
                {
                    // The disks have switched: the checkpoint stays, as the disks-only kind it now is.
                    (kind, memoryFailure) = (CheckpointKind.Production, e);
                }
            }
        }
        catch (DevicePlanException e)
        {
            throw new VmOperationFailedException("take a checkpoint of", c.Name, e);
        }
        finally
        {
            if (frozen is not null)
                await frozen.DisposeAsync().ConfigureAwait(false);
            if (paused)
            {
                await run.Qmp.ContAsync(CancellationToken.None).ConfigureAwait(false);
                // The guest's clock stood still while it was paused.
                c.Vm.GuestIntegration.RequestTimeSync();
            }
        }
        return (kind, running, memory, memoryFailure);
    }

    /// <summary>QEMU writes the memory and device state through a descriptor nubed made (as <c>vm save</c>), the processors paused.</summary>
    private async Task<string> SaveMemoryAsync(Job job, QemuSession run, Guid id)
    {
        var ct = job.Cancellation.Token;
        var target = c.Store.MemoryFile(id);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        try
        {
            job.Report("saving memory", 0);
            await run.Qmp.MigrateSetParametersAsync(maxBandwidthBytesPerSecond: StartOperation.Bandwidth(c.Services.Host.Config), ct: ct).ConfigureAwait(false);
            using (var file = RegularFile.Create(partial, FileAccessMode.Write, UnixFileMode.UserRead | UnixFileMode.UserWrite))
            {
                var fdset = await run.Qmp.AddFdAsync(file, ct).ConfigureAwait(false);
                await run.Qmp.MigrateAsync($"file:/dev/fdset/{fdset}", ct).ConfigureAwait(false);
                await run.Qmp.WaitForMigrationAsync(StartOperation.SaveTimeout, ct, info => job.Report("saving memory", StartOperation.Percent(info)))
                    .ConfigureAwait(false);
                await run.Qmp.RemoveFdAsync(fdset, ct).ConfigureAwait(false);
                RandomAccess.FlushToDisk(file);
            }
            File.Move(partial, target, overwrite: true);
            return target;
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    private static string Word(CheckpointKind kind) => kind == CheckpointKind.Standard ? "standard" : "production";

    /// <summary>Beside the image, as Hyper-V puts a checkpoint's .avhdx: its name, without an earlier overlay's suffix, and the checkpoint's.</summary>
    public static string OverlayPath(string image, Guid id)
    {
        var stem = OverlaySuffix().Replace(Path.GetFileNameWithoutExtension(image), "");
        return Path.Join(Path.GetDirectoryName(image), $"{stem}_{id.ToString("N")[..8]}.qcow2");
    }

    [GeneratedRegex("_[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex OverlaySuffix();
}
