using Nube.Contracts.Vms;
using Nube.Core.Checkpoints;
using Nube.Core.Lifecycle;
using Nube.Core.Qemu;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Disks;
using Nube.Service.Jobs;
using Nube.Service.Vms;
using Nube.Service.Vms.Checkpoints;
using Nube.Service.Vms.Devices;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Migration;

/// <summary>
/// Moves a running VM's disk files to another folder of this host (Hyper-V's Move-VMStorage), one
/// disk at a time, as a job ("move-storage") on the VM's loop: each disk is mirrored into a new
/// file while the guest runs (<see cref="StoragePlan"/>), switched over, stored in the VM's
/// configuration, and only then is its old file deleted. Cancelled or failed, a disk stays on its
/// old file and the new one is deleted; disks moved before stay moved.
/// </summary>
public sealed class StorageMoves(VmServices services, ILogger<StorageMoves> logger)
{
    /// <exception cref="ValidationException">The folder is not one the VM's disks may go to.</exception>
    /// <exception cref="VmConflictException">The VM is not running or paused.</exception>
    public Job Submit(VmController vm, MoveStorageRequest request)
    {
        var folder = CheckFolder(request.Folder);
        var now = vm.Snapshot;
        if (now.State is not (VmState.Running or VmState.Paused))
            throw new VmConflictException($"Cannot move the disks of VM '{now.Name}' while it runs: it is {VmLifecycle.Word(now.State)}; " +
                "while it is off, copy its disk files and change their paths (nube vm set), or start it first.");
        var job = services.Jobs.Create(vm.Id, now.Name, "move-storage");
        _ = Task.Run(async () =>
        {
            try
            {
                job.MarkRunning(null);
                var result = await vm.OnLoopAsync(_ => MoveAsync(vm, job, folder, job.Cancellation.Token)).ConfigureAwait(false);
                services.Jobs.End(job, null, vm.Snapshot, logger, result);
            }
            catch (Exception e)
            {
                services.Jobs.End(job, e, vm.Snapshot, logger);
            }
        });
        return job;
    }

    private async Task<string> MoveAsync(VmController vm, Job job, string folder, CancellationToken ct)
    {
        var context = new CheckpointContext(vm, services, new CheckpointStore(vm.Paths.VmDirectory), logger);
        context.Require("move the disks", "start it first", VmState.Running, VmState.Paused);
        var session = vm.Session ?? throw new VmConflictException($"VM '{context.Name}': its QEMU does not answer on its control socket; turn it off.");
        var config = context.Config;
        var running = vm.Snapshot.Running ?? new RunningVm { Config = config };
        var book = context.Store.Read();
        if (!book.Checkpoints.IsEmpty || !book.Layers.IsEmpty)
            throw new VmConflictException($"Cannot move the disks of VM '{context.Name}': it has checkpoints, whose images would stay behind; remove them first.");
        var disks = WritableDisk.Of(config).Where(d => !d.Path.StartsWith("/dev/", StringComparison.Ordinal)).ToList();
        var targets = await PlanAsync(disks, config, folder, ct).ConfigureAwait(false);
        if (targets.Count == 0)
            return $"The disks of VM '{context.Name}' are in '{folder}' already.";
        var move = Guid.NewGuid();
        foreach (var (disk, newPath) in targets)
        {
            job.Report($"copying {disk.Id} to '{newPath}'");
            await QemuImg.CreateEmptyAsync("folder", newPath, ImageFormat.Driver(disk.Format),
                await QemuImg.VirtualSizeAsync(disk.Field, disk.Path, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            var target = new MirrorTarget(disk.Id, CheckpointContext.NodeOf(running, disk.Path) ?? disk.Id, disk.Path, newPath, ImageFormat.Driver(disk.Format),
                disk.Field) { Cache = disk.Cache };
            try
            {
                var files = await new DevicePlanRunner(session.Qmp, logger).RunAsync($"move {disk.Id}", StoragePlan.Mirror(target, move), running.Files,
                    phase => job.Report($"copying {disk.Id} to '{newPath}': {phase}"), ct).ConfigureAwait(false);
                running = running with { Files = files };
            }
            catch (DevicePlanException e)
            {
                File.Delete(newPath);
                if (e.InnerException is OperationCanceledException && ct.IsCancellationRequested)
                    throw new OperationCanceledException(e.Message, e, ct);
                throw new VmOperationFailedException($"move disk {disk.Id} of", context.Name, e);
            }
            config = WritableDisk.WithImage(config, disk.Id, newPath, disk.Format);
            running = running with { Config = WritableDisk.WithImage(running.Config, disk.Id, newPath, disk.Format) };
            await context.StoreAsync(config, running).ConfigureAwait(false);
            // The move asked for it: the disk's data is in the new file, and the VM runs on it.
            File.Delete(disk.Path);
            logger.LogInformation("VM {Name}: moved {Disk} from '{Old}' to '{New}' while it ran", context.Name, disk.Id, disk.Path, newPath);
        }
        return $"Moved {targets.Count} disk file(s) of VM '{context.Name}' to '{folder}' while it ran.";
    }

    /// <summary>Each disk not yet in the folder, with its new path; every reason one cannot move, at once.</summary>
    private async Task<List<(WritableDisk Disk, string NewPath)>> PlanAsync(List<WritableDisk> disks, VmConfig config, string folder, CancellationToken ct)
    {
        var chains = await services.Disks.ReadChainsAsync(config, ct).ConfigureAwait(false);
        var errors = new List<ValidationError>();
        var targets = new List<(WritableDisk, string)>();
        foreach (var disk in disks.Where(d => Path.GetDirectoryName(d.Path) != folder))
        {
            var newPath = Path.Join(folder, Path.GetFileName(disk.Path));
            if (disk.Format is DiskFormat.Vhdx or DiskFormat.Vhd)
                errors.Add(new(disk.Field, disk.Path, $"{disk.Field}: '{disk.Path}' is a {disk.Format.ToString().ToUpperInvariant()} image, which Nube does not move " +
                    "while the VM runs; convert it to qcow2 while the VM is off (nube disk convert)"));
            else if (chains.TryGetValue(disk.Path, out var chain) && chain.FirstOrDefault() is { } below)
                errors.Add(new(disk.Field, disk.Path, $"{disk.Field}: '{disk.Path}' is a differencing disk (on '{below.Path}'); merge it first (nube disk merge)"));
            else if (File.Exists(newPath) || targets.Any(t => t.Item2 == newPath))
                errors.Add(new("folder", folder, $"folder: '{newPath}' exists already (for {disk.Field}); choose another folder or rename the file"));
            else
                targets.Add((disk, newPath));
        }
        return errors.Count > 0 ? throw new ValidationException(errors) : targets;
    }

    /// <summary>The folder as an absolute, existing folder under one of the host's storage roots.</summary>
    private string CheckFolder(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder) || !Path.IsPathFullyQualified(folder))
            throw new ValidationException([new("folder", folder ?? "", $"folder: '{folder}' is not an absolute path")]);
        var real = Linux.UnixFiles.RealPath(folder);
        if (real is null || !Directory.Exists(real))
            throw new ValidationException([new("folder", folder, $"folder: '{folder}' is not a folder of this host")]);
        if (StorageRootRules.CheckOne("folder", Path.Join(real, "disk"), StorageRootRules.Roots(services.Options.DataDir, services.Host.Config)) is { } outside)
            throw new ValidationException([outside with { Value = folder, Message = $"folder: '{folder}' is outside the host's storage roots " +
                $"({string.Join(", ", StorageRootRules.Roots(services.Options.DataDir, services.Host.Config))}); add it with 'nube host set --storage-root'" }]);
        return real;
    }
}
