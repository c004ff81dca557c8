using Nube.Contracts.Vms;
using Nube.Core.Lifecycle;
using Nube.Core.Vms;
using Nube.Service.Events;
using Nube.Service.Hosts;
using Nube.Service.Jobs;
using Nube.Service.Vms;
using Nube.Service.Vms.Errors;

namespace Nube.Service.Migration;

/// <summary>
/// Moves of this host's VMs to peers, each a job ("move") that runs on its VM's loop; at most the
/// host's live migrations at once (Hyper-V's simultaneous live migrations), the others wait in
/// order. A VM handed over is forgotten here, its disks untouched.
/// </summary>
public sealed class OutgoingMoves(VmRegistry vms, MoveCheck check, MigrationStore store, MoveRecovery recovery, VmServices services, EventHub events,
    ILogger<OutgoingMoves> logger)
{
    private readonly Lock gate = new(); // guards running, queue
    private readonly LinkedList<TaskCompletionSource> queue = [];
    private int running;

    /// <exception cref="Core.Validation.ValidationException">No such peer.</exception>
    /// <exception cref="VmConflictException">The VM is not running or paused.</exception>
    public Job Submit(VmController vm, MoveRequest request)
    {
        var peer = check.Peer(request.To);
        var now = vm.Snapshot;
        if (now.State is not (VmState.Running or VmState.Paused))
            throw new VmConflictException($"Cannot move VM '{now.Name}': it is {VmLifecycle.Word(now.State)}; a move needs it running or paused.");
        var job = services.Jobs.Create(vm.Id, now.Name, "move");
        _ = Task.Run(() => RunAsync(vm, job, peer, request));
        return job;
    }

    private async Task RunAsync(VmController vm, Job job, Core.Hosts.HostPeer peer, MoveRequest request)
    {
        var ct = job.Cancellation.Token;
        try
        {
            await EnterAsync(job, ct).ConfigureAwait(false);
            string result;
            try
            {
                result = await vm.OnLoopAsync(run => new OutgoingMove(run, services, check, store, recovery, events.HostId, logger).RunAsync(job, peer, request, ct))
                    .ConfigureAwait(false);
            }
            finally
            {
                Leave();
            }
            var last = vm.Snapshot;
            await vms.RemoveAsync(vm, moved: true).ConfigureAwait(false);
            services.Jobs.End(job, null, last, logger, result);
        }
        catch (Exception e)
        {
            services.Jobs.End(job, e, vm.Snapshot, logger);
        }
    }

    /// <summary>Waits, in order, until fewer moves run than the host allows (read each time: a change counts at once).</summary>
    private async Task EnterAsync(Job job, CancellationToken ct)
    {
        TaskCompletionSource turn;
        lock (gate)
        {
            if (queue.Count == 0 && running < services.Host.Config.LiveMigrationsAtOnce)
            {
                running++;
                job.MarkRunning(null);
                return;
            }
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            queue.AddLast(turn);
        }
        job.MarkRunning($"waiting for a move to end (at most {services.Host.Config.LiveMigrationsAtOnce} at once)");
        using (ct.Register(() =>
        {
            lock (gate)
                if (queue.Remove(turn))
                    turn.TrySetCanceled(ct);
        }))
            await turn.Task.ConfigureAwait(false);
    }

    private void Leave()
    {
        lock (gate)
        {
            running--;
            while (queue.First is { } next && running < services.Host.Config.LiveMigrationsAtOnce)
            {
                queue.RemoveFirst();
                running++;
                next.Value.TrySetResult();
            }
        }
    }
}
