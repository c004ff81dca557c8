using Nube.Core.Validation;
using Nube.Core.Vms;
using Nube.Qemu.Protocol;
using Nube.Service.Jobs;
using Nube.Service.Vms.Worker;

namespace Nube.Service.Vms;

/// <summary>What a VM's controller is asked to do; its loop handles one at a time, in order.</summary>
public abstract record VmCommand
{
    /// <summary>Answers a command that finds its VM gone; jobs are failed by the controller, which keeps them.</summary>
    public virtual void Refuse(Exception gone)
    {
    }
}

/// <param name="AgentWait">start only: then wait this long for the guest agent.</param>
public sealed record RunJob(Job Job, VmOperation Operation, TimeSpan? AgentWait) : VmCommand;

/// <summary>A configuration change, judged by every rule when its turn comes.</summary>
/// <param name="Errors">Problems the caller already found in the request, reported with the rules' own.</param>
public sealed record ChangeConfig(ConfigChange Change, IReadOnlyList<ValidationError> Errors, TaskCompletionSource<VmSnapshot> Done) : VmCommand
{
    public override void Refuse(Exception gone) => Done.TrySetException(gone);
}

/// <param name="Moved">The VM moved to another host: it is forgotten from its migrating or incoming state, its disks untouched.</param>
public sealed record RemoveVm(TaskCompletionSource Done, bool Moved = false) : VmCommand
{
    public override void Refuse(Exception gone) => Done.TrySetException(gone);
}

/// <summary>Finds the VM's QEMU after a restart of the host service; true when it had been running.</summary>
public sealed record Reattach(TaskCompletionSource<bool> Done) : VmCommand
{
    public override void Refuse(Exception gone) => Done.TrySetResult(false);
}

/// <summary>Work of a service beside the controller (a move's steps), run on the loop in turn with the jobs.</summary>
public sealed record LoopWork(Func<IVmRun, Task> Run, Action<Exception> Gone) : VmCommand
{
    public override void Refuse(Exception gone) => Gone(gone);

    /// <summary>The work as a command, and the task that its end (or the VM being gone) completes.</summary>
    public static (LoopWork Command, Task<T> Done) Of<T>(Func<IVmRun, Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (new LoopWork(async run =>
        {
            try
            {
                done.TrySetResult(await work(run).ConfigureAwait(false));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }, gone => done.TrySetException(gone)), done.Task);
    }
}

public sealed record QemuEventSeen(QemuSession Session, QmpEvent Event) : VmCommand;

public sealed record QemuConnectionEnded(QemuSession Session) : VmCommand;
