using Nube.Core.Checkpoints;
using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Vms.Checkpoints;

/// <summary>
/// A VM's checkpoints: taking, applying and removing one are jobs on the VM's controller loop
/// (they change its disks, its configuration and, while it runs, its QEMU); listing reads the
/// checkpoints' file, and renaming changes only a name.
/// </summary>
public sealed class CheckpointService(VmController vm, VmServices services, ILogger logger, Func<VmCommand, bool> post)
{
    public const int MaxNameLength = 100;
    private readonly CheckpointStore store = new(services.Store.VmDirectory(vm.Id));

    public static string Kind(CheckpointRequest request) => request switch
    {
        NewCheckpoint => "checkpoint",
        ApplyCheckpoint => "apply-checkpoint",
        _ => "remove-checkpoint",
    };

    /// <summary>Queues a checkpoint job; bad input (a name) is refused at once.</summary>
    public Job Submit(CheckpointRequest request)
    {
        if (request is NewCheckpoint { Name: { } name })
            CheckName(name);
        var now = vm.Snapshot;
        var job = services.Jobs.Create(vm.Id, now.Name, Kind(request));
        if (!post(new CheckpointCommand(job, request)))
            services.Jobs.Fail(job, new VmNotFoundException(now.Name), now);
        return job;
    }

    public CheckpointBook List() => store.Read();

    /// <exception cref="CheckpointNotFoundException">No such checkpoint.</exception>
    public async Task<Checkpoint> RenameAsync(string checkpoint, string name)
    {
        CheckName(name);
        await store.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var book = store.Read();
            var renamed = book.Find(checkpoint, vm.Snapshot.Name) with { Name = name };
            await store.WriteAsync(book with { Checkpoints = [.. book.Checkpoints.Select(c => c.Id == renamed.Id ? renamed : c)] }).ConfigureAwait(false);
            return renamed;
        }
        finally
        {
            store.Gate.Release();
        }
    }

    /// <summary>A configuration change may not take away a disk that checkpoints hold.</summary>
    /// <exception cref="ValidationException">It does.</exception>
    public void CheckDisksKept(VmConfig current, VmConfig next)
    {
        var held = store.Read().Disks;
        if (held.Count > 0 && WritableDisk.Dropped(current, next, held) is { } problem)
            throw new ValidationException([new(problem[..problem.IndexOf(':', StringComparison.Ordinal)], "", problem)]);
        // A hot remove names the nodes the start made (<disk>); one whose top is another node since
        // a merge while running must wait for the next start.
        if (vm.Snapshot.Running is { } running)
        {
            var moved = WritableDisk.Of(current).Where(d => CheckpointContext.NodeOf(running, d.Path) is { } node && node != d.Id).Select(d => d.Id).ToHashSet();
            if (moved.Count > 0 && WritableDisk.Dropped(current, next, moved) is { } change)
                throw new ValidationException([new(change[..change.IndexOf(':', StringComparison.Ordinal)], "",
                    change[..change.IndexOf(" is in checkpoints", StringComparison.Ordinal)] +
                    " was merged while the VM ran and cannot be removed or changed until the VM is turned off")]);
        }
    }

    /// <summary>Runs a checkpoint job; only the controller's loop calls it.</summary>
    public async Task RunAsync(CheckpointCommand command)
    {
        var job = command.Job;
        await store.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            job.Cancellation.Token.ThrowIfCancellationRequested();
            job.MarkRunning(null);
            var context = new CheckpointContext(vm, services, store, logger);
            var result = command.Request switch
            {
                NewCheckpoint take => await new TakeOperation(context).RunAsync(job, take).ConfigureAwait(false),
                ApplyCheckpoint apply => await new ApplyOperation(context).RunAsync(job, apply).ConfigureAwait(false),
                RemoveCheckpoint remove => await new MergeOperation(context).RunAsync(job, remove).ConfigureAwait(false),
                _ => throw new ArgumentException($"unknown checkpoint request {command.Request}", nameof(command)),
            };
            services.Jobs.Complete(job, vm.Snapshot, result);
        }
        catch (Exception e)
        {
            services.Jobs.End(job, e, vm.Snapshot, logger);
        }
        finally
        {
            store.Gate.Release();
        }
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
            throw new ValidationException([new("name", name,
                $"name: '{name}' is not a checkpoint name (1 to {MaxNameLength} characters, not only spaces, no control characters)")]);
    }
}
