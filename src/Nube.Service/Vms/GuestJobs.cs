using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Service.Jobs;
using Nube.Service.Vms.Errors;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>
/// Jobs that work with a running guest (file copy, freeze): they run beside the VM's controller
/// loop, not on it, so that a long copy holds up no stop or turn-off. The end of the run (stop,
/// turn-off, a crash) cancels them, as does the host service stopping.
/// </summary>
public sealed class GuestJobs(IVmRun vm, VmServices services, ILogger logger)
{
    private readonly Lock gate = new(); // guards scope and work
    private readonly List<Task> work = [];
    private CancellationTokenSource scope = new();

    /// <summary>
    /// Starts <paramref name="body"/> as a job of kind <paramref name="kind"/> on the VM's current
    /// run. Its return value is the job's one-line result.
    /// </summary>
    /// <exception cref="VmConflictException">The VM is not running.</exception>
    public Job Start(string kind, Func<Job, QemuSession, CancellationToken, Task<string?>> body)
    {
        var now = vm.Snapshot;
        if (now.Config is null)
            throw new VmConflictException($"VM {vm.Id} is broken: {now.BrokenReason}");
        if (now.State != VmState.Running || vm.Session is not { } run)
            throw new VmConflictException($"Cannot {kind.Replace('-', ' ')} VM '{now.Name}': it is {VmLifecycle.Word(now.State)}; it must be running.");
        var job = services.Jobs.Create(vm.Id, now.Name, kind);
        lock (gate)
        {
            var runScope = scope.Token;
            work.RemoveAll(t => t.IsCompleted);
            work.Add(Task.Run(() => RunAsync(job, run, body, runScope)));
        }
        return job;
    }

    private async Task RunAsync(Job job, QemuSession run, Func<Job, QemuSession, CancellationToken, Task<string?>> body, CancellationToken runScope)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.Cancellation.Token, runScope);
        try
        {
            job.MarkRunning(null);
            var result = await body(job, run, linked.Token).ConfigureAwait(false);
            services.Jobs.Complete(job, vm.Snapshot, result);
        }
        catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
        {
            services.Jobs.Cancel(job, new JobCancelledException(job.Kind, vm.Snapshot.Name, VmLifecycle.Word(vm.Snapshot.State)), vm.Snapshot);
        }
        catch (OperationCanceledException) when (runScope.IsCancellationRequested)
        {
            services.Jobs.Fail(job, new VmConflictException(
                $"The {job.Kind} of VM '{vm.Snapshot.Name}' ended with the VM's run; the VM is {VmLifecycle.Word(vm.Snapshot.State)}."), vm.Snapshot);
        }
        catch (Exception e)
        {
            logger.LogWarning("VM {Name}: {Kind} failed: {Error}", vm.Snapshot.Name, job.Kind, e.Message);
            services.Jobs.Fail(job, e, vm.Snapshot);
        }
    }

    /// <summary>The run is over, or the host service stops: cancels the guest jobs and waits for them.</summary>
    public async Task EndRunAsync()
    {
        Task[] pending;
        lock (gate)
        {
            // Not disposed: jobs still running link to its token.
            scope.Cancel();
            scope = new CancellationTokenSource();
            pending = [.. work];
            work.Clear();
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
    }
}
